"""Pure domain of the planning service; no I/O."""
