"""vsm planning service: planning cycles, directives with budget frames, verksamhetsplaner."""
