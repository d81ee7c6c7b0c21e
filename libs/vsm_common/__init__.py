"""vsm_common: what every vsm service needs, written once.

Settings, the asyncpg pool, SQL migrations, the CloudEvents envelope, the
transactional outbox and its relay, the idempotent Kafka consumer (inbox + dead
letters), OpenTelemetry, health endpoints, the gateway-secret guard and the
service wiring that ties them together.
"""
