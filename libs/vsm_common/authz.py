"""What a caller may read and write: the access policy, checked on the whole operation before it runs.

The policy (``policy/access.json``) is the same file the gateway enforces (services/gateway/src/authz.ts);
the subgraph checks it again because a subgraph must not trust that the gateway did. The check
walks every field of the document, fragments, aliases and ``_entities`` selections included, so
a forbidden field cannot be reached by another path. Row scoping (an employee's own medarbetarmål,
a committee's own plans) is the services' business on top of this.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import (
    SKIP,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    VisitorAction,
    get_named_type,
    is_leaf_type,
    parse,
    visit,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.info import Info

from .access import RowScope
from .auth import Principal
from .errors import Forbidden

POLICY_PATH = Path(__file__).parent / "policy" / "access.json"
FEDERATION_FIELDS = frozenset({"_entities", "_service"})  # subgraph-only; the types inside are checked


@dataclass(frozen=True)
class RoleRule:
    read_all: bool
    read_public: bool
    read_types: frozenset[str]
    queries: frozenset[str] | None  # None: every query field whose type is readable
    mutations: frozenset[str]
    # Of the types named here, only these fields: a role may need a few public fields of a type
    # without the links from it into data it has no business with (the budget system's goals).
    fields: Mapping[str, frozenset[str]]

    def may_read_type(self, type_name: str, personal_types: frozenset[str]) -> bool:
        return self.read_all or type_name in self.read_types or (self.read_public and type_name not in personal_types)

    def may_read_field(self, parent: str, field: str, personal_types: frozenset[str]) -> bool:
        """May this role read ``field`` of the object type ``parent`` (its result type aside)?"""
        if not self.may_read_type(parent, personal_types):
            return False
        allowed = self.fields.get(parent)
        return allowed is None or field in allowed


class AccessPolicy:
    """The roles of ``access.json`` and the fields each may read or write."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.personal_types = frozenset(document["personalTypes"])
        self.organization_scoped = frozenset(
            name for name, rule in document["roles"].items() if rule.get("scopedToOrganization")
        )
        self.roles: dict[str, RoleRule] = {}
        for name, rule in document["roles"].items():
            read = rule["read"]
            self.roles[name] = RoleRule(
                read_all=read == "all",
                read_public=read == "public",
                read_types=frozenset(read) if isinstance(read, list) else frozenset(),
                queries=frozenset(rule["queries"]) if "queries" in rule else None,
                mutations=frozenset(rule.get("mutations", [])),
                fields={type_name: frozenset(names) for type_name, names in rule.get("fields", {}).items()},
            )

    @classmethod
    def load(cls, path: Path = POLICY_PATH) -> AccessPolicy:
        return cls(json.loads(path.read_text()))

    def _rules(self, roles: Iterable[str]) -> Iterator[RoleRule]:
        return (self.roles[role] for role in roles if role in self.roles)

    def may_read_type(self, roles: Iterable[str], type_name: str) -> bool:
        return any(rule.may_read_type(type_name, self.personal_types) for rule in self._rules(roles))

    def may_use(self, roles: frozenset[str], parent: str, field: str, result_type: str | None) -> bool:
        """May a caller with ``roles`` select ``parent.field`` (``result_type``: its named type, None for leaves)?"""
        if field.startswith("__"):
            return True  # __typename; introspection is governed by the profile, not by roles
        if parent == "Mutation":
            if not any(field in rule.mutations for rule in self._rules(roles)):
                return False
            return result_type is None or self.may_read_type(roles, result_type)
        if parent == "Query":
            if field in FEDERATION_FIELDS:
                return True
            allowed = any(rule.queries is None or field in rule.queries for rule in self._rules(roles))
            if not allowed:
                return False
        elif not any(rule.may_read_field(parent, field, self.personal_types) for rule in self._rules(roles)):
            return False  # one role must grant both the type and the field: a field list binds its own role
        return result_type is None or self.may_read_type(roles, result_type)


class _FieldAccessVisitor(Visitor):
    def __init__(self, policy: AccessPolicy, roles: frozenset[str], type_info: TypeInfo) -> None:
        super().__init__()
        self.policy, self.roles, self.type_info = policy, roles, type_info
        self.refused: dict[str, FieldNode] = {}

    def enter_field(self, node: FieldNode, *_: object) -> VisitorAction:
        parent = self.type_info.get_parent_type()
        field_def = self.type_info.get_field_def()
        if parent is None or field_def is None:
            return None  # an unknown field: validation reports it
        named = get_named_type(field_def.type)
        result = None if is_leaf_type(named) else named.name
        if not self.policy.may_use(self.roles, parent.name, node.name.value, result):
            self.refused.setdefault(f"{parent.name}.{node.name.value}", node)
            return SKIP  # what lies below a refused field is refused with it; one error says so
        return None


def refused_fields(
    schema: GraphQLSchema, document: DocumentNode, policy: AccessPolicy, roles: frozenset[str]
) -> dict[str, FieldNode]:
    """Every field coordinate of ``document`` the roles may not use (empty: allowed)."""
    type_info = TypeInfo(schema)
    visitor = _FieldAccessVisitor(policy, roles, type_info)
    visit(document, TypeInfoVisitor(type_info, visitor))
    return visitor.refused


def forbidden_errors(refused: dict[str, FieldNode], roles: frozenset[str]) -> list[GraphQLError]:
    who = ", ".join(sorted(roles)) or "no role"
    return [
        GraphQLError(
            f"{coordinate}: not allowed for {who}",
            nodes=[node],
            extensions={"code": "FORBIDDEN", "rule": "access.field", "field": coordinate},
        )
        for coordinate, node in refused.items()
    ]


_policy = AccessPolicy.load()


@lru_cache(maxsize=512)
def _refusals_of_text(schema: GraphQLSchema, query: str, roles: frozenset[str]) -> dict[str, FieldNode]:
    # Clients repeat a handful of operations: the walk runs once per schema, text and role set.
    return refused_fields(schema, parse(query), _policy, roles)


class Authorization(SchemaExtension):
    """Refuses, before any resolver runs, an operation that selects a field the caller's roles may not use."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        principal: Principal | None = getattr(ec.context, "principal", None)
        roles = principal.roles if principal is not None else frozenset()
        if ec.graphql_document is not None:
            schema = ec.schema._schema
            refused = (
                _refusals_of_text(schema, ec.query, roles)
                if ec.query is not None
                else refused_fields(schema, ec.graphql_document, _policy, roles)
            )
            if refused:
                ec.result = GraphQLExecutionResult(data=None, errors=forbidden_errors(refused, roles))
        yield


def acting_organization(principal: Principal, mutation: str) -> str | None:
    """For whom ``principal`` may run ``mutation``: None for any organisation, else one organisation code.

    A role that may run the mutation unscoped (the planner) wins; a role scoped to an organisation
    (a committee) may act only for the organisation its token names (``vsm_org``).
    """
    scoped = False
    for role in principal.roles:
        rule = _policy.roles.get(role)
        if rule is None or mutation not in rule.mutations:
            continue
        if role not in _policy.organization_scoped:
            return None
        scoped = True
    if not scoped:
        raise Forbidden(
            f"{mutation}: not allowed for {', '.join(sorted(principal.roles)) or 'no role'}", rule="access.field"
        )
    if not principal.organization:
        raise Forbidden(
            f"{mutation}: the token names no organisation (vsm_org)", field="vsm_org", rule="access.organization"
        )
    return principal.organization


def acting_for(info: Info) -> str | None:
    """:func:`acting_organization` for the mutation being resolved (its field name)."""
    return acting_organization(info.context.principal, info.field_name)


def acting_scope(info: Info) -> RowScope:
    """The rows the caller reaches in the mutation being resolved: all, or its organisation's."""
    code = acting_for(info)
    return RowScope.all() if code is None else RowScope.of_organization(code)
