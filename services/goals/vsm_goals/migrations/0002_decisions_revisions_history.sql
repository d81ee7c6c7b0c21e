-- Decisions (beslut), numbered revisions, dated links: the structure as it stood on any date.

CREATE TABLE decisions (
    id            uuid PRIMARY KEY,
    body_id       uuid NOT NULL REFERENCES organizations (id),
    decided_on    date NOT NULL,
    paragraph     text,
    diary_number  text,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE goals
    ADD COLUMN revision            int NOT NULL DEFAULT 1,
    ADD COLUMN adopted_decision_id uuid REFERENCES decisions (id),
    ADD COLUMN retired_decision_id uuid REFERENCES decisions (id),
    ADD COLUMN last_decision_on    date,       -- latest adopt/revise decision: drives the review cycle
    ADD COLUMN established_by      uuid;       -- the directive or plan whose adoption adopted the goal

-- Every revision of a goal. Drafts (before adoption) are edited in place; from adoption on, a
-- change is a new row with its own decision and the date it took effect.
CREATE TABLE goal_revisions (
    goal_id      uuid NOT NULL REFERENCES goals (id),
    number       int NOT NULL,
    title        text NOT NULL,
    description  text,
    valid_from   date,
    valid_to     date,
    decision_id  uuid REFERENCES decisions (id),
    effective_on date,                           -- null while a draft
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (goal_id, number)
);
CREATE INDEX goal_revisions_effective ON goal_revisions (goal_id, effective_on);

INSERT INTO goal_revisions (goal_id, number, title, description, valid_from, valid_to, recorded_at)
SELECT id, 1, title, description, valid_from, valid_to, created_at FROM goals;

-- Links get a period of effect. effective_from null = from the child's adoption (links made
-- while a draft are part of what was adopted); effective_to null = still in force.
ALTER TABLE goal_links DROP CONSTRAINT goal_links_pkey;
ALTER TABLE goal_links
    ADD COLUMN id             bigserial PRIMARY KEY,
    ADD COLUMN effective_from date,
    ADD COLUMN effective_to   date;
CREATE UNIQUE INDEX goal_links_current ON goal_links (child_id, parent_id) WHERE effective_to IS NULL;

CREATE INDEX goals_review ON goals (level, last_decision_on) WHERE state = 'ADOPTED';
