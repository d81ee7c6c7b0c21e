"""Use cases of the planning service, one module per aggregate; each runs in one unit of work (its state
change and its events, committed together)."""
