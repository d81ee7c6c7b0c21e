-- Organisations, the vision and the goal structure.

CREATE TABLE organizations (
    id         uuid PRIMARY KEY,
    code       text NOT NULL UNIQUE,
    name       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('COUNCIL','EXECUTIVE_BOARD','COMMITTEE','COMPANY','ADMINISTRATION','UNIT')),
    parent_id  uuid REFERENCES organizations (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE visions (
    id                    uuid PRIMARY KEY,
    title                 text NOT NULL,
    horizon_year          int NOT NULL,
    value_base            text[] NOT NULL DEFAULT '{}',   -- värdegrund
    decision_body_id      uuid REFERENCES organizations (id),
    decision_date         date,
    decision_paragraph    text,
    decision_diary_number text
);

CREATE TABLE vision_themes (
    id        uuid PRIMARY KEY,
    vision_id uuid NOT NULL REFERENCES visions (id),
    position  int NOT NULL,
    name      text NOT NULL,
    statement text NOT NULL
);

CREATE TABLE goals (
    id          uuid PRIMARY KEY,
    seq         bigserial NOT NULL UNIQUE,  -- stable keyset order for cursors
    level       text NOT NULL CHECK (level IN ('OVERARCHING','ACTION_PROGRAMME','CONCRETE','OPERATIONAL')),
    title       text NOT NULL,
    description text,
    state       text NOT NULL DEFAULT 'DRAFT' CHECK (state IN ('DRAFT','ADOPTED','RETIRED')),
    valid_from  date,
    valid_to    date,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goals_level ON goals (level, seq);

CREATE TABLE goal_links (
    child_id  uuid NOT NULL REFERENCES goals (id),
    parent_id uuid NOT NULL REFERENCES goals (id),
    PRIMARY KEY (child_id, parent_id)
);
CREATE INDEX goal_links_parent ON goal_links (parent_id);

CREATE TABLE goal_organizations (
    goal_id         uuid NOT NULL REFERENCES goals (id),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (goal_id, organization_id)
);
CREATE INDEX goal_organizations_org ON goal_organizations (organization_id);

CREATE TABLE goal_themes (
    goal_id  uuid NOT NULL REFERENCES goals (id),
    theme_id uuid NOT NULL REFERENCES vision_themes (id),
    PRIMARY KEY (goal_id, theme_id)
);
