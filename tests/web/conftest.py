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
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from vsm_dev.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "services" / "web"
SCREENSHOTS = ROOT / "docs" / "screenshots"
ASSET = re.compile(r"assets/([\w.-]+\.(?:js|css|svg|png|woff2?))")
SPEC_TIMEOUT_S = 300
OUTPUT_LINES = 80


def _complete(dist: Path) -> bool:
    """Whether a copy of dist/ is one whole build: index.html and every asset any of its files names."""
    index = dist / "index.html"
    if not index.is_file():
        return False
    named: set[str] = set()
    for path in dist.rglob("*"):
        if path.suffix in (".html", ".js", ".css"):
            named.update(ASSET.findall(path.read_text(errors="replace")))
    return all((dist / "assets" / name).is_file() for name in named)


def _snapshot(source: Path, target: Path, timeout: float = 120) -> None:
    """Copy the build, again while someone is rebuilding it (vite empties dist/ first)."""
    deadline = time.monotonic() + timeout
    while True:
        shutil.rmtree(target, ignore_errors=True)
        try:
            shutil.copytree(source, target)
        except (FileNotFoundError, shutil.Error):
            pass
        if _complete(target):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"the web app is not built ({source}): run `make web` (make test does)")
        time.sleep(2)


@pytest.fixture(scope="session")
def web_app(stack: Stack) -> str:
    """The URL of the web app served on the session's stack (no trailing slash).

    It serves a copy of ``dist/`` taken now, so a rebuild during the session (``make web``, a developer's
    ``npm run build``) cannot pull files from under the browser tests.
    """
    from vsm_dev.stack import WEB_DIST

    snapshot = stack.config.data_dir / "web-dist"
    _snapshot(WEB_DIST, snapshot)
    stack.stop_service("web")  # the stack starts one on the live dist/ when it finds a build
    stack.start_web(dist=snapshot)
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
            # Traces and failure context of this spec alone: Playwright empties its output folder at the
            # start, so specs run side by side (two developers, two lanes) must not share one.
            "--output",
            f"test-results/{name}",
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
