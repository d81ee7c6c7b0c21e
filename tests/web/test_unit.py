"""The web app's unit tests (vitest: API problems, decimals, documents' depth and tokens, OIDC settings, ...).

No marker: it needs no stack, so `make unit` runs it too (its prerequisite installs services/web's packages).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "services" / "web"


def test_vitest() -> None:
    assert (WEB / "node_modules" / ".bin" / "vitest").exists(), "services/web has no packages: run `make web`"
    # codegen first: the unit tests import the generated documents, and src/gql/ is not committed.
    for command in (["npm", "run", "--silent", "codegen"], ["npm", "test", "--silent"]):
        result = subprocess.run(
            command,
            cwd=WEB,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
            check=False,
        )
        tail = "\n".join(result.stdout.splitlines()[-80:])
        assert result.returncode == 0, f"`{' '.join(command)}` in services/web failed:\n{tail}"
    assert " passed" in result.stdout, f"vitest ran no test:\n{tail}"
