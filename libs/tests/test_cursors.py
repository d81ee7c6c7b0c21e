"""Relay cursors are opaque and refuse forgery; a page window reads either way (vsm_common.cursors)."""

from __future__ import annotations

import base64
import os

import pytest

from vsm_common.cursors import Counts, CursorCodec, Page, PageWindow, page_window
from vsm_common.errors import DomainError

CODEC = CursorCodec("gateway-secret-of-this-test")
GOALS = "GoalConnection"


def refused(cursor: object, argument: str = "after", connection: str = GOALS, codec: CursorCodec = CODEC) -> None:
    with pytest.raises(DomainError) as info:
        codec.decode(connection, cursor, argument)  # type: ignore[arg-type]
    assert (info.value.field, info.value.rule, info.value.code) == (argument, "cursor.invalid", "BAD_USER_INPUT")


@pytest.mark.parametrize("position", [0, 1, 2, 12345, 2**40 + 7, 2**63 - 1, -1])
def test_a_cursor_stands_for_its_position(position: int) -> None:
    cursor = CODEC.encode(GOALS, position)
    assert len(cursor) == 32 and cursor.isascii()
    assert CODEC.decode(GOALS, cursor, "after") == position
    assert CODEC.decode(GOALS, cursor, "before") == position
    assert CODEC.encode(GOALS, position) == cursor  # stable: the same position, the same cursor
    assert CursorCodec("gateway-secret-of-this-test").decode(GOALS, cursor, "after") == position  # any instance


def test_remembered_cursors_are_the_ones_made_afresh_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from vsm_common import cursors

    monkeypatch.setattr(cursors, "_REMEMBERED_CURSORS", 3)
    codec = CursorCodec("gateway-secret-of-this-test")
    made = [codec.encode(connection, n) for connection in (GOALS, "EmployeeGoalConnection") for n in range(5)]
    assert made == [CODEC._encode(connection, n) for connection in (GOALS, "EmployeeGoalConnection") for n in range(5)]
    assert made[0] != made[5]  # the connection is part of the cursor, also when remembered
    assert len(codec._encoded) <= 3
    assert codec.decode(GOALS, codec.encode(GOALS, 4), "after") == 4


def test_no_cursor_is_none() -> None:
    assert CODEC.decode(GOALS, None, "after") is None


def test_a_cursor_tells_nothing_of_its_position() -> None:
    # The old cursors were base64("c:<seq>"); these hold neither the number nor anything near it.
    one, two = CODEC.encode(GOALS, 1), CODEC.encode(GOALS, 2)
    raw_one, raw_two = base64.urlsafe_b64decode(one), base64.urlsafe_b64decode(two)
    assert b"c:" not in raw_one and (1).to_bytes(8, "big") not in raw_one
    assert sum(a != b for a, b in zip(raw_one, raw_two, strict=True)) > 8


def test_every_flipped_bit_is_refused() -> None:
    raw = bytearray(base64.urlsafe_b64decode(CODEC.encode(GOALS, 4711)))
    for index in range(len(raw)):
        for bit in range(8):
            raw[index] ^= 1 << bit
            refused(base64.urlsafe_b64encode(bytes(raw)).decode(), "before")
            raw[index] ^= 1 << bit


def test_another_connections_or_another_keys_cursor_is_refused() -> None:
    refused(CODEC.encode("EmployeeGoalConnection", 3))
    refused(CursorCodec("another secret").encode(GOALS, 3))


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "Yzoy",  # an old cursor: base64("c:2")
        base64.urlsafe_b64encode(b"c:12").decode(),
        base64.urlsafe_b64encode(os.urandom(24)).decode(),  # the right length, random bytes
        base64.urlsafe_b64encode(os.urandom(30)).decode(),
        "A" * 32,
        "!" * 32,
        "ÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄÖåäöÅÄ",
        "\x00" * 32,
        CODEC.encode(GOALS, 5) + "=",
        " " + CODEC.encode(GOALS, 5)[1:],
        CODEC.encode(GOALS, 5)[:-1],
        12,
    ],
)
def test_garbage_is_refused(garbage: object) -> None:
    refused(garbage)


def test_a_codec_needs_a_secret() -> None:
    with pytest.raises(ValueError):
        CursorCodec("")


def test_page_sizes_and_their_errors() -> None:
    assert page_window(CODEC, GOALS, first=None, after=None) == PageWindow(None, None, 50, backward=False)
    assert page_window(CODEC, GOALS, first=1000, after=None).size == 1000
    assert page_window(CODEC, GOALS, first=None, after=None, last=0) == PageWindow(None, None, 0, backward=True)
    for args, field in (
        ({"first": -1}, "first"),
        ({"first": 1001}, "first"),
        ({"first": None, "last": -5}, "last"),
        ({"first": None, "last": 10_000}, "last"),
    ):
        with pytest.raises(DomainError) as info:
            page_window(CODEC, GOALS, after=None, **args)
        assert (info.value.field, info.value.rule) == (field, "page.size")
        assert "between 0 and 1000" in info.value.message
    with pytest.raises(DomainError) as info:
        page_window(CODEC, GOALS, first=10, after=None, last=10)
    assert (info.value.field, info.value.rule) == ("last", "page.first_and_last")


def test_cursors_are_read_into_the_window_and_named_when_bad() -> None:
    window = page_window(CODEC, GOALS, first=None, after=CODEC.encode(GOALS, 3), last=2, before=CODEC.encode(GOALS, 9))
    assert window == PageWindow(after=3, before=9, size=2, backward=True)
    assert (window.order, window.limit) == ("DESC", 3)
    with pytest.raises(DomainError) as info:
        page_window(CODEC, GOALS, first=None, after=None, last=2, before=CODEC.encode("EmployeeGoalConnection", 9))
    assert (info.value.field, info.value.rule) == ("before", "cursor.invalid")


NONE_BEYOND = Counts(total=10, at_or_before_after=False, at_or_after_before=False)


def test_a_forward_page_knows_both_ends() -> None:
    forward = PageWindow(after=None, before=None, size=2, backward=False)
    assert forward.page([(1, "a"), (2, "b"), (3, "c")], NONE_BEYOND) == Page(
        rows=[(1, "a"), (2, "b")], has_previous_page=False, has_next_page=True, total=10
    )
    after = PageWindow(after=8, before=None, size=2, backward=False)
    beyond = Counts(total=10, at_or_before_after=True, at_or_after_before=False)
    assert after.page([(9, "i"), (10, "j")], beyond) == Page(
        rows=[(9, "i"), (10, "j")], has_previous_page=True, has_next_page=False, total=10
    )


def test_a_backward_page_is_turned_round_and_knows_both_ends() -> None:
    last = PageWindow(after=None, before=None, size=2, backward=True)
    assert last.page([(10, "j"), (9, "i"), (8, "h")], NONE_BEYOND) == Page(
        rows=[(9, "i"), (10, "j")], has_previous_page=True, has_next_page=False, total=10
    )
    before = PageWindow(after=None, before=3, size=5, backward=True)
    beyond = Counts(total=10, at_or_before_after=False, at_or_after_before=True)
    assert before.page([(2, "b"), (1, "a")], beyond) == Page(
        rows=[(1, "a"), (2, "b")], has_previous_page=False, has_next_page=True, total=10
    )


def test_an_empty_page_past_the_end_still_knows_what_lies_before_it() -> None:
    after_last = PageWindow(after=10, before=None, size=5, backward=False)
    beyond = Counts(total=10, at_or_before_after=True, at_or_after_before=False)
    assert after_last.page([], beyond) == Page(rows=[], has_previous_page=True, has_next_page=False, total=10)
