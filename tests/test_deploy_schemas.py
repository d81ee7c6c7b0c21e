"""deploy_check.schemas: CRDs to kubeconform's JSON Schemas, and Kubernetes' schemas made standalone."""

from __future__ import annotations

from typing import Any

import pytest

from deploy_check import schemas

CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "spec": {
        "group": "example.vsm.io",
        "names": {"kind": "Widget"},
        "versions": [
            {"name": "v1alpha1", "served": True},  # no schema: no file
            {
                "name": "v1",
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "metadata": {"type": "object"},
                            "spec": {
                                "type": "object",
                                "properties": {
                                    "size": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}]},
                                    "port": {"format": "int-or-string"},
                                    "note": {"type": "string", "nullable": True},
                                    "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
                                    "config": {
                                        "type": "object",
                                        "properties": {"known": {"type": "string"}},
                                        "x-kubernetes-preserve-unknown-fields": True,
                                    },
                                    "items": {
                                        "type": "array",
                                        "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                                    },
                                    # a property named like a keyword, and data that looks like a schema
                                    "properties": {"type": "object", "default": {"properties": {}}},
                                },
                            },
                        },
                    }
                },
            },
        ],
    },
}
META = {
    "$ref": "#/$defs/meta",
    "$defs": {"meta": {"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": False}},
}


def converted() -> tuple[str, dict[str, Any]]:
    (result,) = schemas.crd_schemas(CRD, META)
    return result


def test_a_crd_version_becomes_one_strict_schema_file() -> None:
    name, schema = converted()
    assert name == "example.vsm.io/widget_v1.json"
    assert schema["$schema"] == schemas.DRAFT
    assert schema["additionalProperties"] is False
    assert schema["properties"]["apiVersion"]["enum"] == ["example.vsm.io/v1"]
    assert schema["properties"]["kind"]["enum"] == ["Widget"]
    assert schema["properties"]["metadata"] == {"$ref": "#/$defs/meta"} and schema["$defs"] == META["$defs"]
    spec = schema["properties"]["spec"]
    assert spec["additionalProperties"] is False
    assert spec["properties"]["items"]["items"]["additionalProperties"] is False
    assert "additionalProperties" not in spec["properties"]["config"], "preserve-unknown-fields stays open"
    assert spec["properties"]["properties"]["default"] == {"properties": {}}, "data is left alone"
    assert schemas.foreign_refs(schema) == []


def test_openapi_forms_become_json_schema() -> None:
    spec = converted()[1]["properties"]["spec"]["properties"]
    assert spec["port"] == {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert spec["size"]["anyOf"] == [{"type": "integer"}]  # already JSON Schema: kept
    assert spec["note"]["type"] == ["string", "null"] and "nullable" not in spec["note"]
    assert spec["ratio"] == {"type": "number", "exclusiveMinimum": 0}


def test_the_source_crd_is_not_changed() -> None:
    before = repr(CRD)
    converted()
    assert repr(CRD) == before


def test_only_custom_resource_definitions_convert() -> None:
    with pytest.raises(schemas.SchemaError):
        list(schemas.crd_schemas({"kind": "Deployment"}))


def test_standalone_copies_the_definitions_a_schema_needs() -> None:
    definitions: dict[str, dict[str, Any]] = {
        "a": {"type": "object", "properties": {"b": {"$ref": "/api/_definitions.json#/$defs/b"}}},
        "b": {"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}, "$ref": {"type": "string"}}},
        "unused": {"type": "string"},
    }
    schema = {"$id": "https://example.invalid/x.json", "properties": {"a": {"$ref": "/api/_definitions.json#/$defs/a"}}}
    result = schemas.standalone(schema, definitions)
    assert "$id" not in result
    assert set(result["$defs"]) == {"a", "b"}
    assert result["properties"]["a"] == {"$ref": "#/$defs/a"}
    assert result["$defs"]["a"]["properties"]["b"] == {"$ref": "#/$defs/b"}
    assert schemas.foreign_refs(result) == []
    assert schemas.foreign_refs({"x": {"$ref": "https://example.invalid/y.json"}}) == ["https://example.invalid/y.json"]
    with pytest.raises(schemas.SchemaError):
        schemas.standalone({"$ref": "#/$defs/missing"}, definitions)
