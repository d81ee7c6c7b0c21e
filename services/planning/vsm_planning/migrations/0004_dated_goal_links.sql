-- Time travel in planning's projection of the goal structure (issue 13): a link has a period of effect
-- and a goal the dates it came into and went out of force, so plans and the sammanställning can answer
-- "as of" a date with the structure in force then.

-- A link may end and later be made again, so a pair can have several periods; at most one is open.
-- effective_from null: from the child goal's adoption (a draft's links are part of what is adopted);
-- effective_to null: still in force, else the first day it no longer is (exclusive).
-- Links projected before this migration keep null dates: in force from the child's adoption, not ended
-- (the events that removed links were applied by deleting rows, so no history is there to recover).
ALTER TABLE projected_goal_links DROP CONSTRAINT projected_goal_links_pkey;
ALTER TABLE projected_goal_links
    ADD COLUMN id             bigserial PRIMARY KEY,
    ADD COLUMN effective_from date,
    ADD COLUMN effective_to   date;
CREATE UNIQUE INDEX projected_goal_links_open ON projected_goal_links (child_id, parent_id) WHERE effective_to IS NULL;
CREATE INDEX projected_goal_links_child ON projected_goal_links (child_id);

-- The dates of the decisions that adopted and retired a goal (goal.adopted's decision date, goal.retired's
-- retiredOn). Null on goals projected before this migration: their adoption counts as on every date.
ALTER TABLE projected_goals
    ADD COLUMN adopted_on date,
    ADD COLUMN retired_on date;
