-- Goal establishment: whether the goals service has established the goals of each adopted directive
-- revision and verksamhetsplan (the planning sagas). Written PENDING with the adoption, then set from
-- the goals service's answer (vsm.goals.goal_establishment.confirmed.v1 / .refused.v1).

CREATE TABLE goal_establishments (
    subject_id   uuid PRIMARY KEY,  -- a directive revision or a verksamhetsplan
    kind         text NOT NULL CHECK (kind IN ('DIRECTIVE','OPERATIONAL_PLAN')),
    state        text NOT NULL CHECK (state IN ('PENDING','ESTABLISHED','REFUSED')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    answered_at  timestamptz   -- when the answer was recorded; null while PENDING
);

-- The goals a REFUSED answer names, in the order of the directive or plan.
CREATE TABLE goal_refusals (
    subject_id uuid NOT NULL REFERENCES goal_establishments (subject_id),
    position   int NOT NULL,
    goal_id    uuid NOT NULL,
    rule       text NOT NULL,
    message    text NOT NULL,
    PRIMARY KEY (subject_id, position)
);

-- Adoptions made before answers existed: ESTABLISHED when every goal is in force as planning knows it.
-- The others are left without a row (goalEstablishment null, "not known"): the goals service answered
-- them by dead-lettering or not at all, and inventing a refusal would say more than is known.
INSERT INTO goal_establishments (subject_id, kind, state, requested_at, answered_at)
SELECT d.id, 'DIRECTIVE', 'ESTABLISHED', COALESCE(d.adopted_at, now()), now()
FROM directives d
WHERE d.state IN ('ADOPTED', 'SUPERSEDED')
  AND NOT EXISTS (SELECT 1 FROM directive_goals g LEFT JOIN projected_goals p ON p.id = g.goal_id
                  WHERE g.directive_id = d.id AND COALESCE(p.state, 'DRAFT') = 'DRAFT');

INSERT INTO goal_establishments (subject_id, kind, state, requested_at, answered_at)
SELECT pl.id, 'OPERATIONAL_PLAN', 'ESTABLISHED', pl.updated_at, now()
FROM operational_plans pl
WHERE pl.state = 'ADOPTED'
  AND NOT EXISTS (SELECT 1 FROM plan_goals g LEFT JOIN projected_goals p ON p.id = g.goal_id
                  WHERE g.plan_id = pl.id AND COALESCE(p.state, 'DRAFT') = 'DRAFT');
