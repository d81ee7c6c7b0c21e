-- Messaging tables every service has in its own schema.

-- Transactional outbox: an event is a row written in the same transaction as the
-- state change it reports; the relay publishes it to Kafka afterwards.
CREATE TABLE outbox (
    id           uuid PRIMARY KEY,            -- the CloudEvent id
    seq          bigserial NOT NULL,          -- publish order (never used as a watermark)
    topic        text NOT NULL,
    key          text NOT NULL,               -- Kafka key: per-aggregate ordering
    type         text NOT NULL,
    payload      bytea NOT NULL,              -- the structured-mode CloudEvent, JSON
    traceparent  text,                        -- W3C context of the request that wrote it
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

-- Wake the relay at commit time instead of polling; one notification per
-- statement is enough because the relay drains everything unpublished.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Inbox: the events a consumer has already applied, inserted in the same
-- transaction as their effect, so a redelivered event is recognised and skipped.
CREATE TABLE inbox (
    source      text NOT NULL,
    id          text NOT NULL,
    type        text NOT NULL,
    consumer    text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, source, id)
);
