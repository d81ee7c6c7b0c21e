-- A link change on a goal in force is a beslut of its own, taking effect on a date of its own
-- (issue 13): each link remembers the decision that made it and the one that ended it. Links made
-- while the goal was a draft have neither; they took effect with the adoption.

ALTER TABLE goal_links
    ADD COLUMN decision_id       uuid REFERENCES decisions (id),
    ADD COLUMN ended_decision_id uuid REFERENCES decisions (id);

-- The structure as of a date walks links per child; history lists them per child too.
CREATE INDEX goal_links_child ON goal_links (child_id, effective_from);
