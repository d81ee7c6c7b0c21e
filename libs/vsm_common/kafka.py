"""Durable Kafka client settings; aiokafka's defaults are not (see engineering notes)."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

# Between retries of a failed request or connection (aiokafka's 100 ms makes a stopped broker
# cost a warning and a connection attempt ten times a second per client).
RETRY_BACKOFF_MS = 250


def create_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """An idempotent producer that waits for all in-sync replicas.

    Idempotence makes the producer retry a batch until the broker takes it, in order and without
    duplicates; aiokafka expires a batch only while its partition has no leader at all, after
    ``request_timeout_ms``. 30 s outlasts a leader election after a broker of a cluster dies
    (the controller fences it after ``broker.session.timeout.ms``, 9 s), so a failover delays
    sends instead of failing them.
    """
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=30000,
        retry_backoff_ms=RETRY_BACKOFF_MS,
    )


def create_consumer(bootstrap_servers: str, group_id: str, topics: list[str]) -> AIOKafkaConsumer:
    """A consumer that commits offsets only after the work is stored, from the beginning."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=500,
        retry_backoff_ms=RETRY_BACKOFF_MS,
    )
