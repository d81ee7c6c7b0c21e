"""Relay paging: opaque, signed cursors and the window of rows one page asks for.

A cursor stands for a position in a connection's keyset (a row's ``seq``). Clients must not read,
make or change one, and until now they could: ``base64("c:12")`` told how many rows the table had
ever held, and any number could be sent back. A cursor is now 24 bytes, base64url without padding
(32 characters, well inside the 100 a cursor argument may have):

    version (1) | position XOR pad (8) | tag (15)

``tag`` is an HMAC-SHA256 (cut to 120 bits) over the connection's name, the version and the
position, so a cursor is valid only for the connection that issued it and cannot be forged or
altered without the key. ``pad`` is an HMAC of the tag under a second key: the position is
encrypted with a synthetic IV (the SIV construction), so the cursor reveals nothing, yet the same
position always gives the same cursor. Both keys are derived from the service's secret (the gateway
secret every instance of a service shares), so any instance accepts any instance's cursors; changing
the secret invalidates the cursors handed out before, which a client survives by starting over.

Whatever is wrong with a cursor (not base64, the wrong length or version, a flipped bit, another
connection's), the answer is the same ``BAD_USER_INPUT`` naming the argument (``after`` or
``before``) and the rule ``cursor.invalid``, without telling which check failed.

The page itself is keyset paging in SQL in either direction (:class:`PageWindow`): ``first``/``after``
reads forward, ``last``/``before`` reads backward (``ORDER BY seq DESC``) and the page is turned
round, so asking for the last page never loads the ones before it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from .errors import DomainError

T = TypeVar("T")

RULE_INVALID = "cursor.invalid"
RULE_PAGE_SIZE = "page.size"
RULE_FIRST_AND_LAST = "page.first_and_last"

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

_VERSION = 1
_POSITION = struct.Struct(">q")  # seq is a PostgreSQL bigint
_TAG_BYTES = 15
_RAW_BYTES = 1 + _POSITION.size + _TAG_BYTES  # 24: a multiple of 3, so base64 has no padding
_TEXT_LENGTH = _RAW_BYTES * 4 // 3
_REMEMBERED_CURSORS = 20_000  # about 3 MB: every goal of a large municipality (goteborg: 6,764)
_BASE64URL = re.compile(rf"[A-Za-z0-9_-]{{{_TEXT_LENGTH}}}")
# Key derivation labels: a cursor key never equals the secret it comes from, nor the other key.
_MAC_LABEL = b"vsm relay cursor v1: tag"
_PAD_LABEL = b"vsm relay cursor v1: pad"

CursorArgument = Literal["after", "before"]


class CursorCodec:
    """Makes and reads the cursors of every connection of one service."""

    def __init__(self, secret: str | bytes) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        if not key:
            raise ValueError("cursors need a secret to be signed with")
        self._mac_key = hmac.digest(key, _MAC_LABEL, hashlib.sha256)
        self._pad_key = hmac.digest(key, _PAD_LABEL, hashlib.sha256)
        # A cursor depends only on (connection, position): pages read again (a dashboard, a roll-up)
        # reuse theirs instead of two HMACs per edge, 4-5 % of the goals service's CPU per dashboard.
        self._encoded: dict[tuple[str, int], str] = {}

    def _tag(self, connection: str, version_and_position: bytes) -> bytes:
        message = connection.encode() + b"\x00" + version_and_position
        return hmac.digest(self._mac_key, message, hashlib.sha256)[:_TAG_BYTES]

    def _pad(self, tag: bytes) -> bytes:
        return hmac.digest(self._pad_key, tag, hashlib.sha256)[: _POSITION.size]

    def encode(self, connection: str, position: int) -> str:
        """The cursor of ``position`` in ``connection`` (its GraphQL type name, e.g. ``GoalConnection``)."""
        key = (connection, position)
        cursor = self._encoded.get(key)
        if cursor is None:
            if len(self._encoded) >= _REMEMBERED_CURSORS:
                self._encoded.clear()
            cursor = self._encoded[key] = self._encode(connection, position)
        return cursor

    def _encode(self, connection: str, position: int) -> str:
        plain = _POSITION.pack(position)
        tag = self._tag(connection, bytes([_VERSION]) + plain)
        hidden = bytes(a ^ b for a, b in zip(plain, self._pad(tag), strict=True))
        return base64.urlsafe_b64encode(bytes([_VERSION]) + hidden + tag).decode("ascii")

    def decode(self, connection: str, cursor: str | None, argument: CursorArgument) -> int | None:
        """The position ``cursor`` stands for, or None without one; refuses anything this codec did not make."""
        if cursor is None:
            return None
        refused = DomainError(
            f"{argument} is not a cursor of this list; use a cursor from its edges or pageInfo",
            field=argument,
            rule=RULE_INVALID,
        )
        # The pattern first: b64decode would skip stray characters and accept other spellings.
        if not isinstance(cursor, str) or not _BASE64URL.fullmatch(cursor):
            raise refused
        raw = base64.urlsafe_b64decode(cursor)
        version, hidden, tag = raw[0], raw[1 : 1 + _POSITION.size], raw[1 + _POSITION.size :]
        if version != _VERSION:
            raise refused
        plain = bytes(a ^ b for a, b in zip(hidden, self._pad(tag), strict=True))
        if not hmac.compare_digest(tag, self._tag(connection, bytes([version]) + plain)):
            raise refused
        position: int = _POSITION.unpack(plain)[0]
        return position


# ------------------------------------------------------------------ the window of one page
@dataclass(frozen=True, slots=True)
class Counts:
    """What the filter holds beyond one page, from the statement that counts it."""

    total: int
    at_or_before_after: bool  # rows at or before the ``after`` cursor exist
    at_or_after_before: bool  # rows at or after the ``before`` cursor exist


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page, in ascending order whichever way it was read."""

    rows: list[tuple[int, T]]  # (position, item)
    has_previous_page: bool
    has_next_page: bool
    total: int


@dataclass(frozen=True, slots=True)
class PageWindow:
    """The rows one page reads: strictly between the cursors, ``size`` of them from one end."""

    after: int | None
    before: int | None
    size: int
    backward: bool  # ``last``: the rows nearest ``before`` (or the end), read in descending order

    @property
    def order(self) -> str:
        """The direction of ``ORDER BY`` on the position: the page's end nearest the reading comes first."""
        return "DESC" if self.backward else "ASC"

    @property
    def limit(self) -> int:
        """How many rows to fetch: one more than the page, to tell whether more lie that way."""
        return self.size + 1

    def page(self, fetched: Sequence[tuple[int, T]], counts: Counts) -> Page[T]:
        """The page from the rows fetched in :attr:`order` (at most :attr:`limit`) and the counts."""
        more = len(fetched) > self.size
        rows = list(fetched[: self.size])
        if self.backward:
            rows.reverse()
        # Relay: hasPreviousPage says whether rows precede this page, hasNextPage whether rows follow
        # it; beyond a cursor the count's flags say it, within the window the extra row fetched.
        return Page(
            rows=rows,
            has_previous_page=(self.backward and more) or counts.at_or_before_after,
            has_next_page=(not self.backward and more) or counts.at_or_after_before,
            total=counts.total,
        )


def _page_size(value: int | None, argument: str, maximum: int) -> int | None:
    if value is not None and not 0 <= value <= maximum:
        raise DomainError(
            f"{argument} must be between 0 and {maximum}, got {value}", field=argument, rule=RULE_PAGE_SIZE
        )
    return value


def page_window(
    codec: CursorCodec,
    connection: str,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    default: int = DEFAULT_PAGE_SIZE,
    maximum: int = MAX_PAGE_SIZE,
) -> PageWindow:
    """The window of a Relay page, or a ``BAD_USER_INPUT`` naming the argument at fault.

    Without ``first`` or ``last`` the page is the first ``default`` rows of the window; ``first`` and
    ``last`` together are refused (Relay allows it, but the answer, "the last m of the first n", is
    never what a client paging through a list means).
    """
    if first is not None and last is not None:
        raise DomainError(
            "give first (page forward) or last (page backward), not both", field="last", rule=RULE_FIRST_AND_LAST
        )
    first = _page_size(first, "first", maximum)
    last = _page_size(last, "last", maximum)
    return PageWindow(
        after=codec.decode(connection, after, "after"),
        before=codec.decode(connection, before, "before"),
        size=last if last is not None else first if first is not None else default,
        backward=last is not None,
    )


def keyset_condition(column: str, after_param: int, before_param: int) -> str:
    """SQL: ``column`` strictly between the cursors, which are the parameters ``after_param`` and ``before_param``."""
    return (
        f"(${after_param}::bigint IS NULL OR {column} > ${after_param}) "
        f"AND (${before_param}::bigint IS NULL OR {column} < ${before_param})"
    )


def beyond_cursors(column: str, after_param: int, before_param: int) -> str:
    """SQL select list for :class:`Counts` over the whole filter (``total``, and a flag per cursor)."""
    return (
        f"count(*) AS total, "
        f"coalesce(bool_or({column} <= ${after_param}::bigint), false) AS at_or_before_after, "
        f"coalesce(bool_or({column} >= ${before_param}::bigint), false) AS at_or_after_before"
    )
