"""vsm goals service: organisations, the vision and the goal structure (målstruktur)."""
