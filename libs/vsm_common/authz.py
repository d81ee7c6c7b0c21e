"""What a caller may read and write: the access policy, checked on the whole operation before it runs.

The policy lives in the schema: federation ``@requiresScopes`` directives on types and fields, declared
with the scope sets of :mod:`vsm_common.scopes` (roles are the scopes: a caller's scopes are its token's
``vsm_roles``). The supergraph carries the same directives to the front door, Hive Router, which refuses
the whole operation (403 UNAUTHORIZED_FIELD_OR_TYPE with ``affectedPath``; ``authorization`` in
services/gateway/router/router.<profile>.yaml); each subgraph checks them again from its own schema
because a subgraph must not trust that the front door did. A field is usable when the rules of its
parent type, of the field and of its result type are each met, a rule being an OR of AND-groups of
scopes (Hive Router's check). The walk covers every field of the document, fragments, aliases and
``_entities`` selections included, so a forbidden field cannot be reached by another path. Row scoping
(an employee's own medarbetarmål, a committee's own plans) is the services' business on top of this.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    SKIP,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    VisitorAction,
    get_named_type,
    parse,
    value_from_ast_untyped,
    visit,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.federation.schema_directives import RequiresScopes
from strawberry.types.info import Info

from .access import RowScope
from .auth import Principal
from .errors import Forbidden
from .scopes import ORGANIZATION_SCOPED_ROLES

FEDERATION_FIELDS = frozenset({"_entities", "_service"})  # subgraph-only; the types inside are checked
DIRECTIVE_NAME = "requiresScopes"

# A rule: the caller must hold every scope of at least one group.
Rule = tuple[frozenset[str], ...]


def _rule(groups: Iterable[Iterable[str]]) -> Rule:
    return tuple(frozenset(group) for group in groups)


def satisfies(roles: frozenset[str], rule: Rule | None) -> bool:
    """Do ``roles`` meet ``rule`` (None: no rule, anyone)?"""
    return rule is None or any(group <= roles for group in rule)


def _rules_of(element: GraphQLNamedType | GraphQLField) -> list[Rule]:
    """The ``@requiresScopes`` rules of a type or field: from its strawberry definition (a subgraph's own
    schema), else from the SDL it was built from (a supergraph or subgraph SDL read by a test or a tool)."""
    definition = (element.extensions or {}).get("strawberry-definition")
    if definition is not None:
        return [_rule(d.scopes) for d in getattr(definition, "directives", None) or () if isinstance(d, RequiresScopes)]
    nodes = [element.ast_node, *(getattr(element, "extension_ast_nodes", None) or ())]
    found: list[Rule] = []
    for node in nodes:
        for directive in getattr(node, "directives", None) or ():
            if directive.name.value != DIRECTIVE_NAME:
                continue
            (scopes,) = [arg.value for arg in directive.arguments if arg.name.value == "scopes"]
            found.append(_rule(value_from_ast_untyped(scopes)))
    return found


def _one_rule(rules: list[Rule]) -> Rule | None:
    # Several rules on one element (a type declared in several subgraphs, composed) all hold: AND them.
    if not rules:
        return None
    combined: Rule = rules[0]
    for rule in rules[1:]:
        combined = tuple(dict.fromkeys(a | b for a in combined for b in rule))
    return combined


class ScopeRules:
    """The ``@requiresScopes`` rules of one schema, by type name and by field coordinate."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.types: dict[str, Rule] = {}
        self.fields: dict[str, Rule] = {}
        for name, named in schema.type_map.items():
            if name.startswith("__"):
                continue
            rule = _one_rule(_rules_of(named))
            if rule is not None:
                self.types[name] = rule
            for field_name, field in (getattr(named, "fields", None) or {}).items():
                if isinstance(field, GraphQLField):
                    field_rule = _one_rule(_rules_of(field))
                    if field_rule is not None:
                        self.fields[f"{name}.{field_name}"] = field_rule

    def may_use(self, roles: frozenset[str], parent: str, field: str, result_type: str) -> bool:
        """May a caller with ``roles`` select ``parent.field`` whose named type is ``result_type``?"""
        if field.startswith("__"):
            return True  # __typename; introspection is governed by the profile, not by roles
        if parent == "Query" and field in FEDERATION_FIELDS:
            return True
        return (
            satisfies(roles, self.types.get(parent))
            and satisfies(roles, self.fields.get(f"{parent}.{field}"))
            and satisfies(roles, self.types.get(result_type))
        )


_rules_by_schema: WeakKeyDictionary[GraphQLSchema, ScopeRules] = WeakKeyDictionary()


def scope_rules(schema: GraphQLSchema) -> ScopeRules:
    """The rules of ``schema``, read once per schema."""
    rules = _rules_by_schema.get(schema)
    if rules is None:
        rules = _rules_by_schema[schema] = ScopeRules(schema)
    return rules


class _FieldAccessVisitor(Visitor):
    def __init__(
        self,
        rules: ScopeRules,
        roles: frozenset[str],
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        refused: dict[str, FieldNode],
    ) -> None:
        super().__init__()
        self.rules, self.roles, self.schema, self.fragments, self.refused = rules, roles, schema, fragments, refused
        self.type_info = TypeInfo(schema)
        self.entered: set[str] = set()
        self.root: OperationDefinitionNode | FragmentDefinitionNode | None = None

    def walk(self, root: OperationDefinitionNode | FragmentDefinitionNode) -> None:
        self.root = root
        visit(root, TypeInfoVisitor(self.type_info, self))

    def enter_field(self, node: FieldNode, *_: object) -> VisitorAction:
        parent = self.type_info.get_parent_type()
        field_def = self.type_info.get_field_def()
        if parent is None or field_def is None:
            return None  # an unknown field: validation reports it
        result = get_named_type(field_def.type).name
        if not self.rules.may_use(self.roles, parent.name, node.name.value, result):
            self.refused.setdefault(f"{parent.name}.{node.name.value}", node)
            return SKIP  # what lies below a refused field is refused with it; one error says so
        return None

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: object) -> VisitorAction:
        # A fragment is judged where it is spread: under a refused field it is refused with that field,
        # as the front door decides (it reports the refused field alone).
        return None if node is self.root else SKIP

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> VisitorAction:
        fragment = self.fragments.get(node.name.value)
        if fragment is not None and node.name.value not in self.entered:
            # A fragment's fields are judged by its type condition alone, so one walk of it is enough.
            self.entered.add(node.name.value)
            inner = _FieldAccessVisitor(self.rules, self.roles, self.schema, self.fragments, self.refused)
            inner.entered = self.entered
            inner.walk(fragment)
        return None


def refused_fields(schema: GraphQLSchema, document: DocumentNode, roles: frozenset[str]) -> dict[str, FieldNode]:
    """Every field coordinate of ``document`` the roles may not use (empty: allowed)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    refused: dict[str, FieldNode] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            _FieldAccessVisitor(scope_rules(schema), roles, schema, fragments, refused).walk(definition)
    return refused


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


@lru_cache(maxsize=512)
def _refusals_of_text(schema: GraphQLSchema, query: str, roles: frozenset[str]) -> dict[str, FieldNode]:
    # Clients repeat a handful of operations: the walk runs once per schema, text and role set.
    return refused_fields(schema, parse(query), roles)


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
                else refused_fields(schema, ec.graphql_document, roles)
            )
            if refused:
                ec.result = GraphQLExecutionResult(data=None, errors=forbidden_errors(refused, roles))
        yield


def acting_organization(principal: Principal, mutation: str, allowed: Sequence[Iterable[str]]) -> str | None:
    """For whom ``principal`` may run ``mutation`` (``allowed``: its scopes, OR of AND-groups): None for any
    organisation, else one organisation code.

    A group the caller meets without an organisation-scoped role (the planner) wins; a group met only
    with such a role (a committee, :data:`vsm_common.scopes.ORGANIZATION_SCOPED_ROLES`) lets the caller
    act only for the organisation its token names (``vsm_org``).
    """
    met = [group for group in _rule(allowed) if group <= principal.roles]
    if any(not group & ORGANIZATION_SCOPED_ROLES for group in met):
        return None
    if not met:
        raise Forbidden(
            f"{mutation}: not allowed for {', '.join(sorted(principal.roles)) or 'no role'}", rule="access.field"
        )
    if not principal.organization:
        raise Forbidden(
            f"{mutation}: the token names no organisation (vsm_org)", field="vsm_org", rule="access.organization"
        )
    return principal.organization


def _scopes_of_field(info: Info[Any, Any]) -> list[frozenset[str]]:
    raw = info._raw_info
    rule = scope_rules(raw.schema).fields.get(f"{raw.parent_type.name}.{raw.field_name}")
    return list(rule or ())  # no rule on a mutation: nobody may act for an organisation through it


def acting_for(info: Info[Any, Any]) -> str | None:
    """:func:`acting_organization` for the mutation being resolved (its field name and scopes)."""
    return acting_organization(info.context.principal, info.field_name, _scopes_of_field(info))


def acting_scope(info: Info[Any, Any]) -> RowScope:
    """The rows the caller reaches in the mutation being resolved: all, or its organisation's."""
    code = acting_for(info)
    return RowScope.all() if code is None else RowScope.of_organization(code)
