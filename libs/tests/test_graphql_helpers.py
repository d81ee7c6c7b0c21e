"""Unit tests of cursors and id parsing."""

import uuid

import pytest

from vsm_common.errors import DomainError
from vsm_common.graphql import check_page_size, decode_cursor, encode_cursor, parse_id


def test_cursor_round_trip() -> None:
    assert decode_cursor(encode_cursor(12345)) == 12345
    assert decode_cursor(None) is None


def test_foreign_cursor_names_field_and_rule() -> None:
    with pytest.raises(DomainError) as info:
        decode_cursor("bm90LWEtY3Vyc29y")
    assert info.value.field == "after"
    assert info.value.rule == "cursor.invalid"


def test_parse_id_rejects_non_uuid() -> None:
    assert parse_id(str(uuid.UUID(int=1)), "id") == uuid.UUID(int=1)
    with pytest.raises(DomainError) as info:
        parse_id("42", "input.parentIds")
    assert info.value.field == "input.parentIds"
    assert info.value.rule == "id.format"


def test_page_size_bounds() -> None:
    assert check_page_size(None) == 50
    assert check_page_size(1000) == 1000
    with pytest.raises(DomainError):
        check_page_size(1001)
    with pytest.raises(DomainError):
        check_page_size(-1)
