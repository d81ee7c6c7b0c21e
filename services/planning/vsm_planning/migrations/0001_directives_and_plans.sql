-- Directives (planeringsdirektiv/ägardirektiv) and verksamhetsplaner.

CREATE TABLE directives (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('PLANNING_DIRECTIVE','OWNER_DIRECTIVE')),
    budget_year int NOT NULL,
    title       text NOT NULL,
    state       text NOT NULL DEFAULT 'DRAFT' CHECK (state IN ('DRAFT','ADOPTED','SUPERSEDED')),
    revision    int NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE directive_recipients (
    directive_id    uuid NOT NULL REFERENCES directives (id),
    organization_id uuid NOT NULL,
    PRIMARY KEY (directive_id, organization_id)
);
CREATE INDEX directive_recipients_org ON directive_recipients (organization_id);

-- The CONCRETE goals a directive establishes (konkretiserade mål och prioriteringar).
CREATE TABLE directive_goals (
    directive_id uuid NOT NULL REFERENCES directives (id),
    goal_id      uuid NOT NULL,
    PRIMARY KEY (directive_id, goal_id)
);
CREATE INDEX directive_goals_goal ON directive_goals (goal_id);

CREATE TABLE operational_plans (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    years           int[] NOT NULL,
    state           text NOT NULL DEFAULT 'DRAFT' CHECK (state IN ('DRAFT','SUBMITTED','ADOPTED','RETURNED'))
);

-- The verksamhetsmål of a plan.
CREATE TABLE plan_goals (
    plan_id uuid NOT NULL REFERENCES operational_plans (id),
    goal_id uuid NOT NULL,
    PRIMARY KEY (plan_id, goal_id)
);
CREATE INDEX plan_goals_goal ON plan_goals (goal_id);
