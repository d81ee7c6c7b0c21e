"""Use cases of the goals service, one module per aggregate; each is one unit of work (change + events)."""
