"""The asyncpg pool of a service, confined to the service's own schema."""

from __future__ import annotations

import asyncpg


async def create_pool(dsn: str, schema: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    """Open a pool whose connections see only ``schema`` (plus ``public`` for extensions).

    Each service owns one schema; setting ``search_path`` per connection keeps the
    SQL of the service unqualified and the schemas of other services out of reach
    by accident.
    """
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        server_settings={"search_path": f"{schema},public", "application_name": f"vsm-{schema}"},
    )
    assert pool is not None
    return pool
