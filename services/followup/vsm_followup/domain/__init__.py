"""Pure domain of the followup service: fulfilment and roll-up rules; no I/O."""
