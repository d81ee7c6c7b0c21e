"""Use cases of the followup service: each one unit of work (state change + the events reporting it)."""
