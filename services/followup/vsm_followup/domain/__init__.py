"""Pure domain of the followup service: periods, indicators, Kolada parsing, assessments, roll-up, actions; no I/O."""
