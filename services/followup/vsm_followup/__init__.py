"""vsm followup service: periods, indicators, assessments, roll-up and actions (uppföljning)."""
