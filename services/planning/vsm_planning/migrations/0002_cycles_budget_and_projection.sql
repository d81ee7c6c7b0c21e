-- Planning cycles and phases, directives with budget frames, tax rate, assignments and revisions,
-- verksamhetsplaner with internbudget, and planning's own projection of organisations and goals.
-- 0001's tables are extended in place; no operation ever wrote rows to them, so NOT NULL columns
-- can be added without defaults.

-- ---------------------------------------------------------------- projection of the goals service
-- Learned from vsm.goals.* events; planning never reads the goals schema. Every column the
-- events may not have delivered yet is nullable, so handlers can upsert in any order.
CREATE TABLE projected_organizations (
    id         uuid PRIMARY KEY,
    code       text NOT NULL,
    name       text NOT NULL,
    kind       text NOT NULL,
    parent_id  uuid,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projected_organizations_kind ON projected_organizations (kind);

CREATE TABLE projected_goals (
    id               uuid PRIMARY KEY,
    level            text,
    state            text NOT NULL DEFAULT 'DRAFT' CHECK (state IN ('DRAFT','ADOPTED','RETIRED')),
    title            text,
    valid_from       date,
    valid_to         date,
    content_revision int NOT NULL DEFAULT -1,  -- newest revision applied (created = 0); -1: none yet
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projected_goal_organizations (
    goal_id         uuid NOT NULL,
    organization_id uuid NOT NULL,
    PRIMARY KEY (goal_id, organization_id)
);
CREATE INDEX projected_goal_organizations_org ON projected_goal_organizations (organization_id);

CREATE TABLE projected_goal_links (
    child_id  uuid NOT NULL,
    parent_id uuid NOT NULL,
    PRIMARY KEY (child_id, parent_id)
);
CREATE INDEX projected_goal_links_parent ON projected_goal_links (parent_id);

-- ---------------------------------------------------------------- cycles
CREATE TABLE planning_cycles (
    id         uuid PRIMARY KEY,
    seq        bigserial NOT NULL UNIQUE,
    kind       text NOT NULL CHECK (kind IN ('MANDATE_PERIOD','ANNUAL')),
    start_year int NOT NULL,
    end_year   int NOT NULL CHECK (end_year >= start_year),
    title      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, start_year)
);

CREATE TABLE cycle_phases (
    cycle_id       uuid NOT NULL REFERENCES planning_cycles (id),
    position       int NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('STRATEGIC_ANALYSIS','GOAL_REVIEW','CONDITIONS_ANALYSIS','DIRECTIVE',
                                                 'TAX_RATE','OPERATIONAL_PLANNING','COMPILATION','FOLLOW_UP')),
    state          text NOT NULL CHECK (state IN ('NOT_STARTED','OPEN','DONE')),
    opens_on       date,
    due_on         date,
    responsible_id uuid,
    completed_on   date,
    PRIMARY KEY (cycle_id, kind),
    UNIQUE (cycle_id, position)
);
-- At most one open phase per cycle.
CREATE UNIQUE INDEX cycle_phases_one_open ON cycle_phases (cycle_id) WHERE state = 'OPEN';

-- Omvärldsanalys, invärldsanalys and basfakta, written by the planning office.
CREATE TABLE analysis_sections (
    cycle_id   uuid NOT NULL REFERENCES planning_cycles (id),
    kind       text NOT NULL CHECK (kind IN ('EXTERNAL_ANALYSIS','INTERNAL_ANALYSIS','BASE_FACTS')),
    text       text NOT NULL,
    version    int NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, kind)
);

-- ---------------------------------------------------------------- directives
ALTER TABLE directives
    ADD COLUMN seq                   bigserial NOT NULL UNIQUE,
    ADD COLUMN cycle_id              uuid NOT NULL REFERENCES planning_cycles (id),
    ADD COLUMN lineage_id            uuid NOT NULL,          -- id of revision 1, shared by every revision
    ADD COLUMN supersedes_id         uuid REFERENCES directives (id),
    ADD COLUMN tax_rate              numeric(5,2) CHECK (tax_rate > 0 AND tax_rate < 100),
    ADD COLUMN decision_body_id      uuid,
    ADD COLUMN decision_date         date,
    ADD COLUMN decision_paragraph    text,
    ADD COLUMN decision_diary_number text,
    ADD COLUMN adopted_at            timestamptz,
    ADD CONSTRAINT directives_adopted_has_decision
        CHECK (state = 'DRAFT' OR (decision_body_id IS NOT NULL AND decision_date IS NOT NULL)),
    ADD CONSTRAINT directives_revision UNIQUE (lineage_id, revision);
-- One directive of each kind per annual cycle; at most one draft and one adopted revision of it.
CREATE UNIQUE INDEX directives_one_per_kind ON directives (cycle_id, kind) WHERE revision = 1;
CREATE UNIQUE INDEX directives_one_draft ON directives (lineage_id) WHERE state = 'DRAFT';
CREATE UNIQUE INDEX directives_one_adopted ON directives (lineage_id) WHERE state = 'ADOPTED';
CREATE INDEX directives_cycle ON directives (cycle_id);
CREATE INDEX directives_year ON directives (budget_year, state);

ALTER TABLE directive_recipients ADD COLUMN position int NOT NULL DEFAULT 0;
ALTER TABLE directive_goals ADD COLUMN position int NOT NULL DEFAULT 0;

-- Budget frames (budgetramar) per recipient for the budget year and the two plan years, in SEK.
CREATE TABLE budget_frames (
    directive_id    uuid NOT NULL REFERENCES directives (id),
    organization_id uuid NOT NULL,
    year            int NOT NULL,
    amount          numeric(16,2) NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (directive_id, organization_id, year)
);
CREATE INDEX budget_frames_org ON budget_frames (organization_id, year);

-- Särskilda uppdrag; an assignment keeps its id in every revision of its directive.
CREATE TABLE assignments (
    directive_id uuid NOT NULL REFERENCES directives (id),
    id           uuid NOT NULL,
    position     int NOT NULL,
    title        text NOT NULL,
    description  text,
    due_on       date,
    state        text NOT NULL DEFAULT 'NOT_STARTED' CHECK (state IN ('NOT_STARTED','IN_PROGRESS','DONE')),
    PRIMARY KEY (directive_id, id)
);
CREATE INDEX assignments_id ON assignments (id);

CREATE TABLE assignment_recipients (
    directive_id    uuid NOT NULL,
    assignment_id   uuid NOT NULL,
    organization_id uuid NOT NULL,
    position        int NOT NULL,
    PRIMARY KEY (directive_id, assignment_id, organization_id),
    FOREIGN KEY (directive_id, assignment_id) REFERENCES assignments (directive_id, id)
);

-- ---------------------------------------------------------------- verksamhetsplaner
ALTER TABLE operational_plans
    ADD COLUMN seq                   bigserial NOT NULL UNIQUE,
    ADD COLUMN cycle_id              uuid NOT NULL REFERENCES planning_cycles (id),
    ADD COLUMN decision_body_id      uuid,
    ADD COLUMN decision_date         date,
    ADD COLUMN decision_paragraph    text,
    ADD COLUMN decision_diary_number text,
    ADD COLUMN return_reason         text,
    ADD COLUMN created_at            timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_at            timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT operational_plans_one_per_org UNIQUE (cycle_id, organization_id),
    ADD CONSTRAINT operational_plans_adopted_has_decision
        CHECK (state <> 'ADOPTED' OR (decision_body_id IS NOT NULL AND decision_date IS NOT NULL));
CREATE INDEX operational_plans_org ON operational_plans (organization_id);

ALTER TABLE plan_goals ADD COLUMN position int NOT NULL DEFAULT 0;

-- Internbudget: the organisation's frame allocated per activity and year.
CREATE TABLE budget_lines (
    plan_id  uuid NOT NULL REFERENCES operational_plans (id),
    position int NOT NULL,
    activity text NOT NULL,
    year     int NOT NULL,
    amount   numeric(16,2) NOT NULL,
    PRIMARY KEY (plan_id, position),
    UNIQUE (plan_id, activity, year)
);
