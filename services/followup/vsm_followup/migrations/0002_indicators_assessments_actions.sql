-- The follow-up proper: the projection learns dates and owners from goal events; indicators
-- (nyckeltal) with targets and measurements; assessments per goal and period; actions (åtgärder).

-- Names let the printable report say "Barn- och ungdomsnämnden", not only "BUN". Rows learned
-- before this migration keep a null name until their organisation is registered again.
ALTER TABLE projected_organizations ADD COLUMN name text;

ALTER TABLE projected_goals
    ADD COLUMN revision   int NOT NULL DEFAULT 1,
    ADD COLUMN valid_from date,
    ADD COLUMN valid_to   date,
    ADD COLUMN adopted_on date,   -- the adopting decision's date: when it took effect
    ADD COLUMN retired_on date;   -- from this date on the goal is out of every roll-up

-- Owner (OPERATIONAL) or recipients (CONCRETE) from goal.created / goal.revised: the goals of an
-- organisation's follow-up report.
CREATE TABLE projected_goal_organizations (
    goal_id         uuid NOT NULL,
    organization_id uuid NOT NULL,
    PRIMARY KEY (goal_id, organization_id)
);
CREATE INDEX projected_goal_organizations_org ON projected_goal_organizations (organization_id);

ALTER TABLE reporting_periods ADD COLUMN closed_at timestamptz;

CREATE TABLE indicators (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    unit          text NOT NULL,
    direction     text NOT NULL CHECK (direction IN ('HIGHER_IS_BETTER','LOWER_IS_BETTER')),
    source        text NOT NULL CHECK (source IN ('OWN','KOLADA','HR','FINANCE')),
    kolada_kpi_id text,
    owner_id      uuid,
    baseline      double precision,
    baseline_year int,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((source = 'KOLADA') = (kolada_kpi_id IS NOT NULL))
);
-- One indicator per Kolada KPI, so an import knows where each value goes.
CREATE UNIQUE INDEX indicators_kolada_kpi ON indicators (kolada_kpi_id) WHERE kolada_kpi_id IS NOT NULL;

CREATE TABLE indicator_goals (
    indicator_id uuid NOT NULL REFERENCES indicators (id),
    goal_id      uuid NOT NULL,
    PRIMARY KEY (indicator_id, goal_id)
);
CREATE INDEX indicator_goals_goal ON indicator_goals (goal_id);

CREATE TABLE indicator_targets (
    indicator_id uuid NOT NULL REFERENCES indicators (id),
    year         int NOT NULL,
    value        double precision NOT NULL,
    PRIMARY KEY (indicator_id, year)
);

-- A measurement (utfall) of a year (period_id null: Kolada's yearly values) or of a reporting
-- period, for the municipality itself (municipality_id null: own measurement) or a Kolada
-- municipality id, per gender (T total, K women, M men). A null value is a known gap ("Missing").
CREATE TABLE measurements (
    id              bigserial PRIMARY KEY,
    indicator_id    uuid NOT NULL REFERENCES indicators (id),
    year            int NOT NULL,
    period_id       uuid REFERENCES reporting_periods (id),
    municipality_id text,
    gender          text NOT NULL DEFAULT 'T',
    value           double precision,
    status          text,
    count           int,
    source          text NOT NULL CHECK (source IN ('OWN','KOLADA','HR','FINANCE')),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT measurements_key UNIQUE NULLS NOT DISTINCT (indicator_id, year, period_id, municipality_id, gender)
);

-- The current assessment of a goal in a period; changes are refused once the period is closed.
CREATE TABLE assessments (
    goal_id          uuid NOT NULL,
    period_id        uuid NOT NULL REFERENCES reporting_periods (id),
    status           text NOT NULL CHECK (status IN ('ACHIEVED','PARTLY_ACHIEVED','NOT_ACHIEVED','NOT_ASSESSED')),
    suggested_status text CHECK (suggested_status IN ('ACHIEVED','PARTLY_ACHIEVED','NOT_ACHIEVED','NOT_ASSESSED')),
    analysis         text,
    assessed_by      uuid,
    assessed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, goal_id)
);
CREATE INDEX assessments_goal ON assessments (goal_id);

CREATE TABLE actions (
    id         uuid PRIMARY KEY,
    goal_id    uuid NOT NULL,
    title      text NOT NULL,
    owner_id   uuid NOT NULL,
    due_on     date,
    state      text NOT NULL DEFAULT 'NOT_STARTED'
               CHECK (state IN ('NOT_STARTED','IN_PROGRESS','DONE','DELAYED','CANCELLED')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX actions_goal ON actions (goal_id);
CREATE INDEX actions_owner ON actions (owner_id);
