"""Unit tests of id parsing (cursors and page sizes: test_cursors.py)."""

import uuid

import pytest

from vsm_common.errors import DomainError
from vsm_common.graphql import parse_id


def test_parse_id_rejects_non_uuid() -> None:
    assert parse_id(str(uuid.UUID(int=1)), "id") == uuid.UUID(int=1)
    with pytest.raises(DomainError) as info:
        parse_id("42", "input.parentIds")
    assert info.value.field == "input.parentIds"
    assert info.value.rule == "id.format"
