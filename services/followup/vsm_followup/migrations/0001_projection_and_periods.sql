-- Followup's own projection of the goal structure, learned from goal events,
-- and the reporting periods it follows up.

CREATE TABLE projected_organizations (
    id        uuid PRIMARY KEY,
    code      text NOT NULL,
    kind      text NOT NULL,
    parent_id uuid
);

CREATE TABLE projected_goals (
    id             uuid PRIMARY KEY,
    level          text NOT NULL,
    state          text NOT NULL,
    title          text NOT NULL,
    applied_events int NOT NULL DEFAULT 0,   -- how many goal events changed this row
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projected_goal_links (
    child_id  uuid NOT NULL,
    parent_id uuid NOT NULL,
    PRIMARY KEY (child_id, parent_id)
);
CREATE INDEX projected_goal_links_parent ON projected_goal_links (parent_id);

CREATE TABLE reporting_periods (
    id        uuid PRIMARY KEY,
    year      int NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('MONTH','TERTIAL','INTERIM','ANNUAL')),
    label     text NOT NULL,
    starts_on date NOT NULL,
    ends_on   date NOT NULL,
    closed    boolean NOT NULL DEFAULT false,
    UNIQUE (year, label)
);
