"""The sign-in chooser (V5, design docs/design/web-app.md sections 4 and 10) in a real browser.

Only the demo data is read: the nämnd the spec signs in as is BUN, with its name as the API gives it, so
the spec checks the chooser's list and the header against the API and not against a copy of the seed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.support import client, data_of
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e


async def test_sign_in_in_a_browser(stack: Stack, run_spec: Callable[[str, dict[str, Any]], None]) -> None:
    async with client(stack, "reader") as http:
        found = await data_of(http, stack.config.gateway_url, '{ organization(code: "BUN") { code name kind } }')
    bun = found["organization"]
    assert bun["kind"] == "COMMITTEE", bun  # the chooser lists it under Nämnder for a committee
    await asyncio.to_thread(run_spec, "sign-in", {"committee": {"code": bun["code"], "name": bun["name"]}})
