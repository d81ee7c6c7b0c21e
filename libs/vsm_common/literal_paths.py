"""Where in a document a literal sits, as a field path (``input.frames.0.amount``).

A scalar that refuses a literal (a number for a Decimal, a malformed Date) is called during
validation, where graphql-core keeps the literal but not its path; ``vsm_common.graphql`` names the
field of such an error with :func:`literal_field`.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import DocumentNode, ListValueNode, Node, ObjectValueNode, ValueNode, VariableNode


def _value_path(value: ValueNode, found: Callable[[ValueNode], bool], path: str) -> str | None:
    if found(value):
        return path
    if isinstance(value, ObjectValueNode):
        for entry in value.fields:
            inner = _value_path(entry.value, found, f"{path}.{entry.name.value}")
            if inner is not None:
                return inner
    elif isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            inner = _value_path(item, found, f"{path}.{index}")
            if inner is not None:
                return inner
    return None


def _argument_path(document: DocumentNode, found: Callable[[ValueNode], bool]) -> str | None:
    """The path of the first value ``found`` accepts among the arguments of the document's fields."""
    for definition in document.definitions:
        selection_sets = [getattr(definition, "selection_set", None)]
        while selection_sets:
            selection_set = selection_sets.pop()
            for selection in selection_set.selections if selection_set else ():
                for argument in getattr(selection, "arguments", None) or ():
                    path = _value_path(argument.value, found, argument.name.value)
                    if path is not None:
                        return path
                selection_sets.append(getattr(selection, "selection_set", None))
    return None


def _variable_named(name: str) -> Callable[[ValueNode], bool]:
    return lambda value: isinstance(value, VariableNode) and value.name.value == name


def literal_field(document: DocumentNode, node: Node) -> str | None:
    """The field path (``input.frames.0.amount``) of a literal that validation refused, or None.

    A scalar that refuses a literal (a number for a Decimal) is called during validation, where
    graphql-core keeps the literal but not its path. The literal is found by its place in the text,
    not by identity: a cached validation may hold the nodes of an earlier parse of the same text.
    A variable's default value is named where the variable is used.
    """
    location = node.loc
    if location is None:
        return None

    def at_node(value: ValueNode) -> bool:
        return value.loc is not None and value.kind == node.kind and value.loc == location

    found = _argument_path(document, at_node)
    if found is not None:
        return found
    for definition in document.definitions:
        for variable in getattr(definition, "variable_definitions", None) or ():
            default = variable.default_value
            inner = _value_path(default, at_node, "") if default is not None else None
            if inner is not None:
                used = _argument_path(document, _variable_named(variable.variable.name.value))
                return f"{used}{inner}" if used is not None else None
    return None
