"""The OpenTelemetry attribute registry as the installed `opentelemetry-semantic-conventions` states it.

Tests check the attribute names of real spans against it, so a span that regresses to a deprecated
name (`http.method`, `db.statement`, ...) or invents one in a convention's namespace fails, and
upgrading the pinned package tightens the check by itself.

The package marks deprecation in text, not at runtime: an attribute constant's docstring starts
with "Deprecated" (module constants keep no docstring once imported, so the modules' source is
read with `ast`), and a deprecated attribute's values enum carries `@deprecated("The attribute
<name> is deprecated ...")`. "Deprecated in favor of stable ..." only says that the Python constant
moved from `_incubating` to the stable modules: the attribute name itself is current.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import pkgutil
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ATTRIBUTE_PACKAGES = ("opentelemetry.semconv.attributes", "opentelemetry.semconv._incubating.attributes")
_MOVED_TO_STABLE = "Deprecated in favor of stable"
_DEPRECATED_ENUM = re.compile(r"The attribute (\S+) is deprecated")


@dataclass(frozen=True)
class Registry:
    """Attribute names the conventions define, which of them are deprecated, and well-known values."""

    known: frozenset[str]
    deprecated: dict[str, str]  # name -> the package's deprecation note ("Replaced by `...`")
    # `<name>.<key>` attributes such as http.request.header.<key>: any key is a known name.
    templates: frozenset[str]
    values: dict[str, frozenset[str]] = field(default_factory=dict)  # attribute -> well-known values
    deprecated_values: dict[str, frozenset[str]] = field(default_factory=dict)

    def is_known(self, name: str) -> bool:
        return name in self.known or any(name.startswith(t + ".") for t in self.templates)

    def problem(self, name: str) -> str | None:
        """Why ``name`` is not a current convention name, or None when it is."""
        if name in self.deprecated:
            return f"{name} is deprecated: {self.deprecated[name]}"
        if not self.is_known(name):
            return f"{name} is not in the semantic conventions"
        return None

    def value_problem(self, name: str, value: object) -> str | None:
        """Why ``value`` of ``name`` is not current: it is a deprecated well-known value.

        Well-known value lists are open (a value none of them fits may be custom), so a value
        outside the list is no problem here; :meth:`is_well_known` says whether it is listed.
        """
        if str(value) in self.deprecated_values.get(name, frozenset()):
            return f"{name}={value} is a deprecated value"
        return None

    def is_well_known(self, name: str, value: object) -> bool:
        return str(value) in self.values.get(name, frozenset())


@dataclass
class _Module:
    constants: dict[str, tuple[str, str]]  # Python name -> (attribute name, docstring)
    enums: dict[str, dict[str, str]]  # class name -> {value: docstring}
    deprecated_enums: dict[str, str]  # attribute name -> decorator message


def _docstring_after(body: list[ast.stmt], index: int) -> str:
    if index + 1 < len(body):
        nxt = body[index + 1]
        if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str):
            return nxt.value.value.strip()
    return ""


def parse_module(source: str) -> _Module:
    """The attribute constants, values enums and ``@deprecated`` enums of one attributes module."""
    module = _Module({}, {}, {})
    body = ast.parse(source).body
    for i, node in enumerate(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            module.constants[node.target.id] = (node.value.value, _docstring_after(body, i))
        elif isinstance(node, ast.ClassDef):
            members: dict[str, str] = {}
            for j, item in enumerate(node.body):
                if (
                    isinstance(item, ast.Assign)
                    and isinstance(item.value, ast.Constant)
                    and isinstance(item.value.value, str)
                ):
                    members[item.value.value] = _docstring_after(node.body, j)
            module.enums[node.name] = members
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "deprecated":
                    message = decorator.args[0] if decorator.args else None
                    if isinstance(message, ast.Constant) and isinstance(message.value, str):
                        found = _DEPRECATED_ENUM.search(message.value)
                        if found:
                            module.deprecated_enums[found.group(1)] = message.value
    return module


def _enum_name(constant: str) -> str:
    """``MESSAGING_OPERATION_TYPE`` -> ``MessagingOperationTypeValues``, the package's naming."""
    return "".join(part.capitalize() for part in constant.split("_")) + "Values"


def _deprecation(docstring: str) -> str | None:
    if docstring.startswith("Deprecated") and not docstring.startswith(_MOVED_TO_STABLE):
        return docstring.removeprefix("Deprecated").lstrip(":, ").split("\n")[0] or "deprecated"
    return None


def build_registry(modules: Iterable[_Module]) -> Registry:
    known: set[str] = set()
    templates: set[str] = set()
    deprecated: dict[str, str] = {}
    values: dict[str, set[str]] = {}
    deprecated_values: dict[str, set[str]] = {}
    for module in modules:
        for constant, (name, doc) in module.constants.items():
            if constant.endswith("_TEMPLATE"):
                templates.add(name)
            else:
                known.add(name)
            note = _deprecation(doc)
            if note is not None:
                deprecated[name] = note
            for value, value_doc in module.enums.get(_enum_name(constant), {}).items():
                if _deprecation(value_doc) is not None:
                    deprecated_values.setdefault(name, set()).add(value)
                else:
                    values.setdefault(name, set()).add(value)
        for name, message in module.deprecated_enums.items():
            deprecated.setdefault(name, message)
    return Registry(
        known=frozenset(known),
        deprecated=deprecated,
        templates=frozenset(templates),
        values={k: frozenset(v) for k, v in values.items()},
        deprecated_values={k: frozenset(v) for k, v in deprecated_values.items()},
    )


def _module_sources() -> Iterator[str]:
    for package in ATTRIBUTE_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError(f"{package} is not installed (opentelemetry-semantic-conventions)")
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            for location in spec.submodule_search_locations:
                path = Path(location) / f"{info.name}.py"
                if path.exists():
                    yield path.read_text(encoding="utf-8")


@functools.cache
def installed_registry() -> Registry:
    """The registry of the installed package (read once per process)."""
    registry = build_registry(parse_module(source) for source in _module_sources())
    if "http.request.method" not in registry.known or "http.method" not in registry.deprecated:
        raise RuntimeError("opentelemetry-semantic-conventions changed shape: the registry cannot be read")
    return registry


# --------------------------------------------------------------------------------------- Hive Router
# The front door, Hive Router 0.3.10, exports its own span names rather than the conventions'
# ("{method} {route}" for HTTP spans, "{operation type} {name}" for GraphQL) and no configuration renames
# them; two of its attributes in the graphql namespace are its own. Both are a known difference, written
# down here exactly as the router exports them for an operation that succeeds (docs/design/hive-router.md,
# "Running it", measured; the crate's src/telemetry/traces/spans/http_request.rs and graphql.rs), so that a
# router upgrade that changes them fails the trace test instead of passing unnoticed. Every other attribute
# of the router's spans is held to the conventions like the services' are.

ROUTER_SCOPE = "graphql-hive.router"
# Every span of the router carries these besides its own: `hive.kind` (its name) and tracing's `target`.
ROUTER_COMMON_ATTRIBUTES = frozenset({"hive.kind", "target"})
# The attributes in a convention's namespace that the conventions do not define.
ROUTER_NON_CONVENTION_ATTRIBUTES = frozenset(
    {
        "graphql.document.hash",  # every GraphQL span: the hash of the client's (or subgraph's) document
        "graphql.operation.id",  # graphql.operation, for a persisted document's id
    }
)
_HTTP_REQUEST = frozenset(
    {
        "http.request.method",
        "url.full",  # the server span's is the request's path and query, not a full URL
        "url.path",
        "url.scheme",
        "server.address",
        "server.port",
        "network.protocol.version",
        "http.request.body.size",
        "http.response.status_code",
        "http.response.body.size",
    }
)


@dataclass(frozen=True)
class RouterSpan:
    """One of the router's spans: its kind, its parent's name, and the attributes it carries."""

    kind: str
    # The router span it is a child of, where measured; None: not checked (http.server's parent is the
    # client's span when it sent a traceparent, else none).
    parent: str | None
    attributes: frozenset[str]


ROUTER_SPANS: dict[str, RouterSpan] = {
    "http.server": RouterSpan(
        "SERVER",
        None,
        _HTTP_REQUEST
        | {
            "http.route",
            "client.address",
            "client.port",
            "network.peer.address",
            "network.peer.port",
            "user_agent.original",
            "router.request_id",
        },
    ),
    "graphql.operation": RouterSpan(
        "SERVER",  # a second server span, inside http.server
        "http.server",
        frozenset(
            {
                "graphql.operation.name",
                "graphql.operation.type",
                "graphql.document.hash",
                "hive.graphql.operation.hash",
                "hive.supergraph.name",
                "cost.estimated",
                "cost.actual",
                "cost.delta",
                "cost.result",
            }
        ),
    ),
    "graphql.parse": RouterSpan(
        "INTERNAL",
        None,
        frozenset({"cache.hit", "graphql.operation.name", "graphql.operation.type", "graphql.document.hash"}),
    ),
    "graphql.validate": RouterSpan("INTERNAL", None, frozenset({"cache.hit"})),
    "graphql.variable_coercion": RouterSpan("INTERNAL", None, frozenset()),
    "graphql.normalize": RouterSpan("INTERNAL", None, frozenset({"cache.hit"})),
    "graphql.authorize": RouterSpan("INTERNAL", None, frozenset()),
    "graphql.plan": RouterSpan("INTERNAL", None, frozenset({"cache.hit"})),
    "graphql.execute": RouterSpan("INTERNAL", None, frozenset()),
    "graphql.subgraph.operation": RouterSpan(
        "CLIENT",
        "graphql.execute",
        frozenset(
            {
                "hive.graphql.subgraph.name",
                # the client's name and the fetch's id (traffic_shaping.all.forward_operation_name)
                "graphql.operation.name",
                "graphql.operation.type",
                "graphql.document.hash",
            }
        ),
    ),
    "http.client": RouterSpan("CLIENT", "graphql.subgraph.operation", _HTTP_REQUEST),
}
