"""The web app in a real browser (issue 16): Playwright specs in Debian's Chromium, on the session's stack.

``web_app`` is the served app's URL (``vsm_dev.web`` beside the session's front door, serving the
``dist/`` that ``make test``'s ``web`` prerequisite builds). ``run_spec(name, data)`` runs
``services/web/e2e/<name>.spec.ts`` with the data a test made through the API (``VSM_E2E_DATA``, read by
``e2eData()`` in ``e2e/support.ts``) and fails with the end of Playwright's output.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from vsm_dev.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "services" / "web"
SCREENSHOTS = ROOT / "docs" / "screenshots"
SPEC_TIMEOUT_S = 300
OUTPUT_LINES = 80


@pytest.fixture(scope="session")
def web_app(stack: Stack) -> str:
    """The URL of the web app served on the session's stack (no trailing slash)."""
    from vsm_dev.stack import WEB_DIST

    if not (WEB_DIST / "index.html").exists():
        pytest.fail(f"the web app is not built ({WEB_DIST}): run `make web` (make test does)")
    if "web" not in stack.processes:  # the stack starts it itself when dist/ was there before it
        stack.start_web()
    return stack.config.web_url


def _tail(output: str) -> str:
    return "\n".join(output.splitlines()[-OUTPUT_LINES:])


@pytest.fixture
def run_spec(web_app: str) -> Callable[[str, dict[str, Any]], None]:
    """Run the Playwright spec ``e2e/<name>.spec.ts`` against ``web_app`` with ``data`` as its input."""

    def run(name: str, data: dict[str, Any]) -> None:
        spec = WEB / "e2e" / f"{name}.spec.ts"
        assert spec.exists(), f"no spec {spec}"
        cli = WEB / "node_modules" / "@playwright" / "test" / "cli.js"
        assert cli.exists(), f"no Playwright in {WEB / 'node_modules'}: run `make web`"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "VSM_WEB_URL": web_app,
            "VSM_E2E_DATA": json.dumps(data),
            "VSM_SCREENSHOTS": str(SCREENSHOTS),
            "FORCE_COLOR": "0",
            "CI": "1",  # Playwright: no HTML report server left waiting for a browser
        }
        command = [
            "node",
            str(cli),
            "test",
            "--config",
            "e2e/playwright.config.ts",
            f"e2e/{name}.spec.ts",
        ]
        try:
            result = subprocess.run(
                command,
                cwd=WEB,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=SPEC_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            output = exc.stdout if isinstance(exc.stdout, str) else (exc.stdout or b"").decode(errors="replace")
            pytest.fail(f"e2e/{name}.spec.ts ran over {SPEC_TIMEOUT_S} s:\n{_tail(output)}", pytrace=False)
        if result.returncode != 0:
            pytest.fail(f"e2e/{name}.spec.ts failed (exit {result.returncode}):\n{_tail(result.stdout)}", pytrace=False)
        # A skipped browser test passes nothing: the whole spec must have run.
        if re.search(r"\b\d+ (skipped|did not run)\b", result.stdout):
            pytest.fail(f"e2e/{name}.spec.ts skipped tests:\n{_tail(result.stdout)}", pytrace=False)

    return run
