"""Settings shared by every service, read from the environment."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .clock import municipality_zone


class ServiceSettings(BaseSettings):
    """Environment of one service process.

    Standard variable names (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS,
    OTEL_EXPORTER_OTLP_ENDPOINT) are read as they are so that the same values
    work for every tool; our own settings carry the VSM_ prefix.
    """

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = Field(default="postgresql://vsm:vsm@127.0.0.1:5433/vsm", alias="DATABASE_URL")
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", alias="KAFKA_BOOTSTRAP_SERVERS")
    otlp_endpoint: str | None = Field(default=None, alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    host: str = Field(default="127.0.0.1", alias="VSM_HOST")
    port: int | None = Field(default=None, alias="VSM_PORT")
    profile: Literal["development", "production"] = Field(default="development", alias="VSM_PROFILE")
    gateway_secret: str | None = Field(default=None, alias="VSM_GATEWAY_SECRET")
    # Tokens (vsm_common.auth): keys from a JWKS file (development) or URL (production), one required.
    jwks_path: str | None = Field(default=None, alias="VSM_JWKS_PATH")
    jwks_url: str | None = Field(default=None, alias="VSM_JWKS_URL")
    jwt_issuer: str | None = Field(default=None, alias="VSM_JWT_ISSUER")
    jwt_audience: str | None = Field(default=None, alias="VSM_JWT_AUDIENCE")
    # Only the subgraphs read these two: Hive Router has a fixed 60 s leeway on exp and no nbf/iat or length
    # check (its 32 KiB header limit answers 431 first). What it passes and they refuse reaches the client
    # as the subgraph's 401 (vsm_common.auth, docs/api.md "Errors"). The tolerance is the router's 60 s
    # (jsonwebtoken's default, which 0.3.10 has no setting for), so both decide alike on exp: with less, a
    # token 31-60 s past exp would pass the router and then be refused by every subgraph.
    jwt_clock_tolerance_seconds: int = Field(default=60, ge=0, alias="VSM_JWT_CLOCK_TOLERANCE_SECONDS")
    jwt_max_token_bytes: int = Field(default=16_384, ge=1024, alias="VSM_JWT_MAX_TOKEN_BYTES")
    # What one request may bring (vsm_common.guard): well above the router's body limit (4 MiB,
    # max_request_body_size), since the query plan adds its own document and _entities representations;
    # headers well above the router's 32 KiB (max_request_header_size), so whatever it lets through fits.
    max_request_bytes: int = Field(default=32 * 1024 * 1024, ge=1024, alias="VSM_MAX_REQUEST_BYTES")
    max_header_bytes: int = Field(default=256 * 1024, ge=16 * 1024, alias="VSM_MAX_HEADER_BYTES")
    topic_prefix: str = Field(default="vsm", alias="VSM_TOPIC_PREFIX")
    db_pool_min: int = Field(default=2, alias="VSM_DB_POOL_MIN")
    db_pool_max: int = Field(default=10, alias="VSM_DB_POOL_MAX")
    # Python's default gen-0 threshold (700) made the garbage collector 22-55 % of request time
    # on large GraphQL results (bench/README.md); 0 keeps Python's default.
    gc_gen0_threshold: int = Field(default=50_000, ge=0, alias="VSM_GC_GEN0_THRESHOLD")
    # Test-only fault injection: exit the process after an event's effect is
    # committed but before its Kafka offset is, to prove the inbox makes
    # redelivery harmless. Never set in production.
    fault_exit_after_store: bool = Field(default=False, alias="VSM_FAULT_EXIT_AFTER_STORE")

    @model_validator(mode="after")
    def _known_timezone(self) -> Self:
        # VSM_TIMEZONE is read by vsm_common.clock wherever a date is needed; refuse a bad one at
        # start-up rather than at the first "today".
        municipality_zone()
        return self


def topic_name(prefix: str, service: str) -> str:
    """The topic a service publishes its events on: ``vsm.goals.events``."""
    return f"{prefix}.{service}.events"


def dead_letter_topic(topic: str) -> str:
    """Where a consumer parks events it cannot process, so a partition never blocks."""
    return f"{topic}.dlq"
