"""JSON Schemas for kubeconform: CRDs converted, Kubernetes' own schemas made standalone.

kubeconform reads a schema per resource from a path template. Two layouts are written:

- ``kubernetes/v<version>-standalone-strict/<kind>-<group>-<version>.json``: one file per resource kind of
  a Kubernetes release, from the kubernetes-validate wheel's ``v<version>-local-strict`` folder. Those
  files refer to a shared ``_definitions.json`` by an absolute URL path; here every definition a kind
  needs is copied into the file's own ``$defs`` and every ``$ref`` points inside the file, so the
  validator never has anything to load (a ``$ref`` to another document would be fetched over HTTP).
- ``crds/<group>/<kind>_<version>.json``: one file per served version of a CRD, converted the way
  kubeconform's openapi2jsonschema.py does (OpenAPI v3 ``nullable`` and ``int-or-string`` become JSON
  Schema, objects with ``properties`` refuse other keys, except where the CRD preserves unknown
  fields), with ``apiVersion`` and ``kind`` pinned and ``metadata`` checked as Kubernetes' ObjectMeta.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DEFS_REF = "#/$defs/"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields"

Schema = dict[str, Any]


class SchemaError(ValueError):
    """A source schema this converter does not understand."""


# ------------------------------------------------------------------------------------ Kubernetes


def _definition_name(ref: str) -> str:
    _, marker, name = ref.partition(DEFS_REF)
    if not marker or not name:
        raise SchemaError(f"unexpected $ref {ref!r}")
    return name


def _local_refs(node: Any, found: set[str]) -> Any:
    """``node`` with every ``$ref`` rewritten to ``#/$defs/<name>``; the names are added to ``found``."""
    if isinstance(node, dict):
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = _definition_name(value)
                found.add(name)
                result[key] = DEFS_REF + name
            else:
                result[key] = _local_refs(value, found)
        return result
    if isinstance(node, list):
        return [_local_refs(item, found) for item in node]
    return node


def standalone(schema: Schema, definitions: Mapping[str, Schema]) -> Schema:
    """``schema`` with the closure of the definitions it refers to in its own ``$defs``, and no ``$id``."""
    wanted: set[str] = set()
    result = _local_refs({k: v for k, v in schema.items() if k != "$id"}, wanted)
    defs: dict[str, Schema] = {}
    pending = sorted(wanted)
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        if name not in definitions:
            raise SchemaError(f"definition {name!r} is missing")
        more: set[str] = set()
        defs[name] = _local_refs(definitions[name], more)
        pending.extend(sorted(more - defs.keys()))
    result["$schema"] = DRAFT
    if defs:
        result["$defs"] = dict(sorted(defs.items()))
    return result


def kubernetes_kind_files(folder: Path) -> Iterator[tuple[str, Schema]]:
    """(file name, standalone schema) for each resource kind in a kubernetes-validate schema folder."""
    definitions = json.loads((folder / "_definitions.json").read_text(encoding="utf-8"))["$defs"]
    for path in sorted(folder.glob("*.json")):
        if path.name in {"_definitions.json", "all.json"}:
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        if not schema.get("x-kubernetes-group-version-kind"):
            continue  # a part of a resource (DeploymentSpec, ...), never looked up by kubeconform
        yield path.name, standalone(schema, definitions)


def object_meta(folder: Path) -> Schema:
    """Kubernetes' ObjectMeta as a standalone schema, from a kubernetes-validate schema folder."""
    definitions = json.loads((folder / "_definitions.json").read_text(encoding="utf-8"))["$defs"]
    return standalone({"$ref": DEFS_REF + OBJECT_META}, definitions)


# ------------------------------------------------------------------------------------------ CRDs


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_VALUES = ("items", "additionalProperties", "additionalItems", "not", "if", "then", "else", "contains")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _walk(schema: Any, change: Callable[[Schema], Schema]) -> Any:
    """``schema`` with ``change`` applied to it and to every schema inside it, innermost first.

    Only schema keywords are followed: ``default``, ``enum``, ``example`` and the like hold data, which
    is left alone even when it looks like a schema.
    """
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    for key in _SCHEMA_MAPS:
        if isinstance(result.get(key), dict):
            result[key] = {name: _walk(sub, change) for name, sub in result[key].items()}
    for key in _SCHEMA_VALUES:
        if isinstance(result.get(key), dict):
            result[key] = _walk(result[key], change)
        elif key == "items" and isinstance(result.get(key), list):
            result[key] = [_walk(sub, change) for sub in result[key]]
    for key in _SCHEMA_LISTS:
        if isinstance(result.get(key), list):
            result[key] = [_walk(sub, change) for sub in result[key]]
    return change(result)


def _from_openapi(schema: Schema) -> Schema:
    """One schema of OpenAPI v3 (as CRDs use it) as JSON Schema 2020-12."""
    if schema.get("format") == "int-or-string":
        del schema["format"]
        schema.pop("type", None)
        schema["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if schema.pop("nullable", False) is True and isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
    for bound, keyword in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if schema.get(keyword) is True and bound in schema:  # OpenAPI 3.0's boolean form
            schema[keyword] = schema.pop(bound)
        elif schema.get(keyword) is False:
            del schema[keyword]
    return schema


def _strict(schema: Schema) -> Schema:
    """An object that lists its properties refuses others, unless it preserves unknown fields."""
    if "properties" in schema and "additionalProperties" not in schema and schema.get(PRESERVE_UNKNOWN) is not True:
        schema["additionalProperties"] = False
    return schema


def crd_schemas(crd: Schema, metadata: Schema | None = None) -> Iterator[tuple[str, Schema]]:
    """(``<group>/<kind>_<version>.json``, schema) for every version of a CRD that has a schema.

    ``metadata``: a standalone ObjectMeta schema (see :func:`object_meta`) to check ``metadata`` with;
    CRDs themselves only say ``type: object`` there.
    """
    if crd.get("kind") != "CustomResourceDefinition":
        raise SchemaError(f"not a CustomResourceDefinition: {crd.get('kind')!r}")
    spec = crd["spec"]
    group, kind = spec["group"], spec["names"]["kind"]
    for version in spec.get("versions") or []:
        source = (version.get("schema") or {}).get("openAPIV3Schema")
        if source is None:
            continue
        schema: Schema = _walk(copy.deepcopy(source), _from_openapi)
        properties = schema.setdefault("properties", {})
        properties["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
        properties["kind"] = {"type": "string", "enum": [kind]}
        if metadata is not None:
            properties["metadata"] = {"$ref": metadata["$ref"]}
            schema["$defs"] = copy.deepcopy(metadata["$defs"])
        schema = _walk(schema, _strict)
        schema["$schema"] = DRAFT
        yield f"{group}/{kind.lower()}_{version['name']}.json", schema


def foreign_refs(schema: Any) -> list[str]:
    """Every ``$ref`` that does not point inside its own document (there should be none)."""
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):  # (a property may be called "$ref" too)
                if not value.startswith("#"):
                    found.append(value)
            else:
                found.extend(foreign_refs(value))
    elif isinstance(schema, list):
        for item in schema:
            found.extend(foreign_refs(item))
    return found
