"""The committed supergraph (services/gateway/supergraph.graphql) in CI: current, and no unmarked breaking change.

Three checks, none needs a running stack:

- the file, and the public API schema beside it (services/gateway/schema.graphql, what clients generate code
  from), are what ``make supergraph`` composes from the current code (else: run it and commit the result);
- the API schema holds nothing of federation's machinery, and the custom scalars name their format;
- against the previous committed version it has no breaking change that is not listed in
  ``services/gateway/conformance/accepted-changes.json`` (graphql-inspector, ``conformance/schema-diff.mjs``).

"Previous" is the merge-base with ``origin/main`` when that exists and differs from ``HEAD`` (a branch or a
pull request), else ``HEAD`` when the working tree changed the file, else ``HEAD~1`` (a commit on main).
The first version of the file has nothing before it to break.
"""

from __future__ import annotations

import difflib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import GraphQLObjectType, GraphQLScalarType, build_schema

ROOT = Path(__file__).resolve().parents[1]
SUPERGRAPH = "services/gateway/supergraph.graphql"
API_SCHEMA = "services/gateway/schema.graphql"
SCHEMA_DIFF = ROOT / "services" / "gateway" / "conformance" / "schema-diff.mjs"
ACCEPTED = ROOT / "services" / "gateway" / "conformance" / "accepted-changes.json"
REGENERATE = f"run `make supergraph` and commit {SUPERGRAPH} and {API_SCHEMA}"
SPECIFIED_BY = {
    "Date": "https://scalars.graphql.org/andimarek/local-date.html",
    "DateTime": "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
    "Decimal": "https://www.w3.org/TR/xmlschema11-2/#decimal",
}


# ------------------------------------------------------------------ the checks
def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False, timeout=60)


def _commit(repo: Path, rev: str) -> str | None:
    found = git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    return found.stdout.strip() if found.returncode == 0 else None


@dataclass(frozen=True)
class Base:
    """The version the committed supergraph is compared with."""

    rev: str | None  # None: there is no previous version
    why: str
    text: str | None  # the file at ``rev``; None when it did not exist there


def previous_version(repo: Path, path: str = SUPERGRAPH) -> Base:
    head = _commit(repo, "HEAD")
    if head is None:
        return Base(None, "no commit yet", None)
    in_head = git(repo, "cat-file", "-e", f"HEAD:{path}").returncode == 0
    changed = not in_head or git(repo, "diff", "--quiet", "HEAD", "--", path).returncode != 0
    rev: str | None = None
    why = ""
    if _commit(repo, "origin/main") is not None:
        merge_base = git(repo, "merge-base", "HEAD", "origin/main").stdout.strip()
        if merge_base and (merge_base != head or changed):
            rev, why = merge_base, "merge-base with origin/main"
    if rev is None and changed:
        rev, why = head, "HEAD (the working tree changed the file)"
    if rev is None:
        rev = _commit(repo, "HEAD~1")
        why = "HEAD~1"
        if rev is None:
            shallow = git(repo, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
            assert not shallow, "shallow clone: the previous commit is missing; fetch with a depth of at least 2"
            return Base(None, "HEAD is the first commit", None)
    shown = git(repo, "show", f"{rev}:{path}")
    return Base(rev, why, shown.stdout if shown.returncode == 0 else None)


@dataclass(frozen=True)
class DiffResult:
    base: Base
    returncode: int
    output: str


def check_against_previous(repo: Path, work: Path, accepted: Path = ACCEPTED, path: str = SUPERGRAPH) -> DiffResult:
    """schema-diff of the working tree's file against the previous version (0 when there is none)."""
    base = previous_version(repo, path)
    if base.text is None:
        return DiffResult(base, 0, f"no previous version of {path} ({base.why}): nothing to break")
    base_file = work / "base-supergraph.graphql"
    base_file.write_text(base.text)
    result = subprocess.run(
        ["node", str(SCHEMA_DIFF), str(repo / path), "--base", str(base_file), "--accepted", str(accepted)],
        cwd=SCHEMA_DIFF.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return DiffResult(base, result.returncode, result.stdout + result.stderr)


def compose_current(out: Path, api_schema: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``make supergraph`` into ``out`` and ``api_schema`` (the one definition of how the committed files are
    made); without ``api_schema``, the API schema goes beside ``out``, never over the committed one."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    api_schema = api_schema or out.with_name("schema.graphql")
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "supergraph", f"SUPERGRAPH_OUT={out}", f"API_SCHEMA_OUT={api_schema}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


# ------------------------------------------------------------------ the repository itself
def test_committed_supergraph_is_composed_from_the_current_code(tmp_path: Path) -> None:
    out, api_out = tmp_path / "supergraph.graphql", tmp_path / "api" / "schema.graphql"
    api_out.parent.mkdir()
    composed = compose_current(out, api_out)
    assert composed.returncode == 0, f"make supergraph failed:\n{composed.stdout}{composed.stderr}"
    for path, fresh in ((SUPERGRAPH, out), (API_SCHEMA, api_out)):
        committed = ROOT / path
        assert committed.is_file(), f"{path} is missing: {REGENERATE}"
        now, stored = fresh.read_text(), committed.read_text()
        if now != stored:
            delta = difflib.unified_diff(
                stored.splitlines(), now.splitlines(), f"{path} (committed)", "composed now", lineterm="", n=1
            )
            pytest.fail(f"{path} is not what the current code composes: {REGENERATE}\n" + "\n".join(list(delta)[:80]))
    assert "http://127.0.0.1:4001/graphql" in (ROOT / SUPERGRAPH).read_text()  # the subgraph URLs of `make run`


def test_the_api_schema_is_the_public_api_without_federation_and_its_scalars_name_their_format() -> None:
    text = (ROOT / API_SCHEMA).read_text()
    for internal in ("join__", "link__", "@link", "@join", "@inaccessible", "federation__", "_Service", "_entities"):
        assert internal not in text, f"{API_SCHEMA} leaks {internal}"
    schema = build_schema(text)  # a plain, valid schema any code generator reads
    assert schema.query_type is not None and schema.mutation_type is not None
    for name, url in SPECIFIED_BY.items():
        scalar = schema.get_type(name)
        assert isinstance(scalar, GraphQLScalarType), name
        assert scalar.specified_by_url == url, name
        assert f'scalar {name} @specifiedBy(url: "{url}")' in text
    # The same types, fields and arguments clients see through the supergraph, nothing more or less.
    public = build_schema((ROOT / SUPERGRAPH).read_text())
    # join__, link__ and requiresScopes__ are the federation's own, for the router, not the clients.
    federation = ("join__", "link__", "requiresScopes__")
    ours = {n for n in public.type_map if not n.startswith("__") and not n.startswith(federation)}
    assert ours == {n for n in schema.type_map if not n.startswith("__")}
    page_info = schema.get_type("PageInfo")
    assert isinstance(page_info, GraphQLObjectType)
    assert {"hasNextPage", "endCursor", "hasPreviousPage", "startCursor"} <= set(page_info.fields)


def test_committed_supergraph_has_no_unmarked_breaking_change(tmp_path: Path) -> None:
    result = check_against_previous(ROOT, tmp_path)
    assert result.returncode == 0, (
        f"breaking change(s) against {result.base.why} ({result.base.rev}) not listed in "
        f"{ACCEPTED.relative_to(ROOT)} (add each with a reason, or keep the old field):\n{result.output}"
    )
    if result.base.text is not None:
        assert "change(s):" in result.output and "0 not accepted" in result.output, result.output


# ------------------------------------------------------------------ the check, on repositories of its own
V1 = "type Query { vision: Vision }\ntype Vision { title: String!\n  horizonYear: Int! }\n"
V2_ADDED = "type Query { vision: Vision }\ntype Vision { title: String!\n  horizonYear: Int!\n  motto: String }\n"
V2_REMOVED = "type Query { vision: Vision }\ntype Vision { title: String! }\n"
FILE = "api/supergraph.graphql"


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.mkdir()
        hooks = path.parent / "no-hooks"
        hooks.mkdir(exist_ok=True)
        self.run("init", "-q", "-b", "main")
        for key, value in (
            ("user.name", "test"),
            ("user.email", "test@example.invalid"),
            ("core.hooksPath", str(hooks)),
        ):
            self.run("config", key, value)
        (path / "api").mkdir()

    def run(self, *args: str) -> str:
        result = git(self.path, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def write(self, text: str) -> None:
        (self.path / FILE).write_text(text)

    def commit(self, text: str, message: str) -> str:
        self.write(text)
        self.run("add", FILE)
        self.run("commit", "-q", "-m", message)
        return self.run("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


@pytest.fixture
def no_accepted(tmp_path: Path) -> Path:
    path = tmp_path / "accepted.json"
    path.write_text('{"accepted": []}')
    return path


def test_the_first_version_has_nothing_to_break(repo: Repo, tmp_path: Path, no_accepted: Path) -> None:
    repo.commit(V1, "first")
    result = check_against_previous(repo.path, tmp_path, no_accepted, FILE)
    assert result.base.rev is None and result.returncode == 0
    assert "HEAD is the first commit" in result.output


def test_a_new_file_is_compared_with_nothing(repo: Repo, tmp_path: Path, no_accepted: Path) -> None:
    (repo.path / "README").write_text("before the API\n")
    repo.run("add", "README")
    repo.run("commit", "-q", "-m", "readme")
    repo.write(V1)  # added, not committed yet: HEAD has no previous version
    result = check_against_previous(repo.path, tmp_path, no_accepted, FILE)
    assert result.base.why.startswith("HEAD (the working tree") and result.base.text is None
    assert result.returncode == 0 and "nothing to break" in result.output


def test_a_commit_on_main_is_compared_with_the_one_before(repo: Repo, tmp_path: Path, no_accepted: Path) -> None:
    first = repo.commit(V1, "v1")
    repo.commit(V2_ADDED, "add a field")
    added = check_against_previous(repo.path, tmp_path, no_accepted, FILE)
    assert added.base.rev == first and added.base.why == "HEAD~1"
    assert added.returncode == 0, added.output
    assert "NON_BREAKING  FIELD_ADDED  Vision.motto" in added.output

    repo.commit(V2_REMOVED, "remove two fields")
    removed = check_against_previous(repo.path, tmp_path, no_accepted, FILE)
    assert removed.returncode == 1, removed.output
    assert "BREAKING (NOT ACCEPTED)  FIELD_REMOVED  Vision.horizonYear" in removed.output


def test_an_uncommitted_breaking_change_is_compared_with_head(repo: Repo, tmp_path: Path, no_accepted: Path) -> None:
    repo.commit(V1, "v1")
    head = repo.commit(V2_ADDED, "add a field")
    repo.write(V2_REMOVED)
    result = check_against_previous(repo.path, tmp_path, no_accepted, FILE)
    assert result.base.rev == head and result.returncode == 1, result.output
    assert "FIELD_REMOVED  Vision.motto" in result.output


def test_a_branch_is_compared_with_its_merge_base(repo: Repo, tmp_path: Path, no_accepted: Path) -> None:
    fork = repo.commit(V1, "v1")
    repo.run("update-ref", "refs/remotes/origin/main", fork)
    repo.run("switch", "-q", "-c", "feature")
    repo.commit(V2_REMOVED, "remove a field")
    repo.commit(V2_REMOVED + "type Extra { id: ID }\n", "add a type")  # HEAD~1 alone would miss the removal
    result = check_against_previous(repo.path, tmp_path, no_accepted, FILE)
    assert result.base.rev == fork and result.base.why == "merge-base with origin/main"
    assert result.returncode == 1 and "FIELD_REMOVED  Vision.horizonYear" in result.output

    marked = tmp_path / "marked.json"
    marked.write_text(
        '{"accepted": [{"type": "FIELD_REMOVED", "path": "Vision.horizonYear", "reason": "no client reads it"}]}'
    )
    accepted = check_against_previous(repo.path, tmp_path, marked, FILE)
    assert accepted.returncode == 0, accepted.output
    assert "BREAKING (accepted: no client reads it)" in accepted.output
