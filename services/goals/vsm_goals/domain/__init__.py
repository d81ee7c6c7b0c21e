"""Pure domain of the goals service: entities, rules and events; no I/O."""
