"""No production module of the services or the shared library grows past 400 lines (issue 14).

A module that long holds several aggregates or jobs; split it by aggregate inside its layer instead.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400


def test_no_production_module_is_over_400_lines() -> None:
    modules = [*ROOT.glob("services/*/vsm_*/**/*.py"), *ROOT.glob("libs/vsm_common/**/*.py")]
    assert len(modules) > 100  # the globs still find the code
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in modules}
    assert {path: n for path, n in sizes.items() if n > LIMIT} == {}
