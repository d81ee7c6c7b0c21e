-- Links of the projected structure get their period of effect (vsm.goals.goal.linked.v2 /
-- unlinked.v2), so a roll-up as of a date walks the links in force on it. A link may be made,
-- ended and made again: one row per period. effective_from null = from the child's adoption (a
-- draft's link; every link learned before this migration); effective_to is exclusive.
-- source_event / ended_by_event are the CloudEvent ids that began and ended the row, so applying
-- an event again finds its own work and changes nothing.

ALTER TABLE projected_goal_links DROP CONSTRAINT projected_goal_links_pkey;
ALTER TABLE projected_goal_links
    ADD COLUMN id             bigserial PRIMARY KEY,
    ADD COLUMN effective_from date,
    ADD COLUMN effective_to   date,
    ADD COLUMN source_event   text,
    ADD COLUMN ended_by_event text;
CREATE UNIQUE INDEX projected_goal_links_standing ON projected_goal_links (child_id, parent_id)
    WHERE effective_to IS NULL;
CREATE UNIQUE INDEX projected_goal_links_source ON projected_goal_links (child_id, parent_id, source_event);
CREATE UNIQUE INDEX projected_goal_links_ended_by ON projected_goal_links (ended_by_event);
