"""Print a development token: ``python -m vsm_dev.token --role planner [--sub X] [--org BUN]``.

Only the token goes to stdout (so ``$(make -s token ROLE=reader)`` works in a shell); errors go
to stderr with exit status 2. The key pair lives in ``<data dir>/identity/`` (see
:mod:`vsm_dev.identity`); the data folder is ``--data-dir``, else ``VSM_DATA_DIR``, else ``.data``
in the repository, the same folder ``make run`` uses.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .identity import DEFAULT_TTL_SECONDS, ROLES, DevIssuer, IdentityError

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vsm_dev.token", description="Print a development JWT (RS256).")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--sub", help="subject: the employee ref for employee, the client id for machines")
    parser.add_argument("--org", help="organisation code (committee: the nämnd, manager: the unit)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("VSM_DATA_DIR") or ROOT / ".data"),
        help="data folder holding identity/ (default: $VSM_DATA_DIR or .data)",
    )
    parser.add_argument("--ttl", type=int, default=DEFAULT_TTL_SECONDS, help="lifetime in seconds (default 8 h)")
    args = parser.parse_args(argv)
    try:
        issuer = DevIssuer.load_or_create(args.data_dir.resolve())
        token = issuer.mint(args.role, sub=args.sub or None, org=args.org or None, ttl=args.ttl)
    except IdentityError as err:
        print(f"vsm_dev.token: {err}", file=sys.stderr)
        return 2
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
