"""The planning service's own commands beside serve/migrate/seed/sdl/dlq (``python -m vsm_planning <command>``):
none yet, so that ``wiring.py`` reads like the other services'."""

from __future__ import annotations

from collections.abc import Mapping

from vsm_common.definition import Command

COMMANDS: Mapping[str, Command] = {}
