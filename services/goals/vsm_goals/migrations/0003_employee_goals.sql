-- Medarbetarmål (personal data) and the log of every read of them (GDPR).

CREATE TABLE employee_goals (
    id                  uuid PRIMARY KEY,
    seq                 bigserial NOT NULL UNIQUE,
    source_system       text NOT NULL,
    external_id         text NOT NULL,
    employee_ref        text NOT NULL,          -- pseudonymous, from the HR system
    unit_id             uuid NOT NULL REFERENCES organizations (id),
    operational_goal_id uuid NOT NULL REFERENCES goals (id),
    title               text NOT NULL,
    state               text NOT NULL DEFAULT 'ADOPTED',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_system, external_id)
);
CREATE INDEX employee_goals_employee ON employee_goals (employee_ref, seq);
CREATE INDEX employee_goals_unit ON employee_goals (unit_id, seq);
CREATE INDEX employee_goals_goal ON employee_goals (operational_goal_id, seq);
CREATE INDEX employee_goals_age ON employee_goals (updated_at);

-- Who read whose medarbetarmål, when and why. One row per employee whose data was returned.
CREATE TABLE employee_goal_access_log (
    id           bigserial PRIMARY KEY,
    accessed_at  timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    employee_ref text NOT NULL,
    purpose      text NOT NULL,
    operation    text NOT NULL,
    goal_count   int NOT NULL
);
CREATE INDEX employee_goal_access_log_employee ON employee_goal_access_log (employee_ref, accessed_at);
