"""``python -m vsm_<service> serve|migrate|seed|sdl|dlq`` - the same commands for every service - and
the service's own (``ServiceDefinition.commands``), each with its arguments."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from functools import partial

from .definition import Command, ServiceDefinition
from .migrations import COMMON_MIGRATIONS, apply_migrations
from .runtime import Runtime
from .settings import ServiceSettings


def main(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in definition.commands:
        # A service's own command parses its own arguments (e.g. `kolada fetch --kpi N01951`).
        sys.exit(definition.commands[argv[0]](definition, argv[1:]))
    parser = argparse.ArgumentParser(prog=f"vsm_{definition.name}")
    parser.add_argument("command", choices=["serve", "migrate", "seed", "sdl", "dlq", *definition.commands])
    parser.add_argument("action", nargs="?", choices=["list", "replay"], help="dlq: list or replay dead letters")
    parser.add_argument("--only", help="dlq replay: just this dead letter (topic:partition:offset or event id)")
    args = parser.parse_args(argv)
    if (args.command == "dlq") != (args.action is not None):
        parser.error("'list' and 'replay' go with the dlq command, which needs one of them")
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {definition.name} %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    settings = ServiceSettings()

    if args.command == "sdl":
        sys.stdout.write(definition.schema.as_str() + "\n")
    elif args.command == "migrate":
        applied = asyncio.run(
            apply_migrations(settings.database_url, definition.name, [COMMON_MIGRATIONS, definition.migrations])
        )
        print(f"{definition.name}: {len(applied)} migration(s) applied")
    elif args.command == "seed":
        if definition.seed is not None:
            asyncio.run(_run_once(definition, settings, definition.seed))
    elif args.command == "dlq":
        from . import dead_letters

        if args.action == "list":
            asyncio.run(_run_once(definition, settings, dead_letters.list_command))
        else:
            asyncio.run(_run_once(definition, settings, partial(dead_letters.replay_command, only=args.only)))
    else:
        _serve(definition, settings)


def one_shot(job: Callable[[Runtime], Awaitable[None]], description: str) -> Command:
    """A command without arguments that runs ``job`` once with a database pool (e.g. a nightly job)."""

    def command(definition: ServiceDefinition, argv: Sequence[str]) -> int:
        parser = argparse.ArgumentParser(prog=f"vsm_{definition.name}", description=description)
        parser.parse_args(list(argv))
        asyncio.run(_run_once(definition, ServiceSettings(), job))
        return 0

    return command


async def _run_once(
    definition: ServiceDefinition, settings: ServiceSettings, job: Callable[[Runtime], Awaitable[None]]
) -> None:
    """Run a one-shot job with a database pool; its events go through the outbox like any other."""
    runtime = Runtime(definition, settings)
    await runtime.open_database()
    try:
        await job(runtime)
    finally:
        await runtime.close()


# How long an idle keep-alive connection stays open. A client that reuses a pooled connection at
# the moment the server closes it gets a reset: a stress run lost a mutation that way (the Node
# gateway's ECONNRESET on createGoal, answered as an internal error), with uvicorn's 5 s beside
# Node's 4 s pool timeout on a starved CPU. The server must outlast every client's pool, so clients
# always close first: the front door (Hive Router 0.3.10) drops an idle subgraph connection after
# 50 s (traffic_shaping pool_idle_timeout, its default, which the router files keep), proxies and
# load balancers after about 60 s.
KEEP_ALIVE_S = 75


def _serve(definition: ServiceDefinition, settings: ServiceSettings) -> None:
    import uvicorn

    from .app import create_app

    app = create_app(definition, settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port or definition.default_port,
        loop="uvloop",
        # h11 (uvicorn's default without httptools) bounds the request line and headers to 16 KiB and
        # drops the connection beyond; the gateway's limit instead, so an oversized token reaches
        # BearerAuthMiddleware and gets its 401.
        http="h11",
        h11_max_incomplete_event_size=settings.max_header_bytes,
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=5,
        timeout_keep_alive=KEEP_ALIVE_S,
    )
