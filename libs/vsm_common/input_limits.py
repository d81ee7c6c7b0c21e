"""What a client may send in a string or a date: each string's length and characters, each date's range.

The table of rules by field name, and the checks of one value; :mod:`vsm_common.inputs` applies
them to every argument of an operation before any resolver runs. ``docs/api.md`` lists the limits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .errors import DomainError

RULE_MAX_LENGTH = "string.max_length"
RULE_FORBIDDEN_CHARACTER = "string.forbidden_character"
RULE_INVISIBLE = "string.invisible"
RULE_DATE_RANGE = "date.range"

# Far enough either way for any decision, goal or period of a municipality, near enough that a
# typo (0202, 20255, 9999-12-31 as "forever") is caught; "no end" is null, never a far date.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)


@dataclass(frozen=True, slots=True)
class TextRule:
    """How long a string may be (in characters) and what it may hold.

    ``multiline``: line breaks and tabs are allowed (long texts); every other control character is
    refused everywhere. ``visible``: a name-like value must show something, so one made only of
    zero-width or other invisible characters is refused.
    """

    max_length: int
    multiline: bool = False
    visible: bool = False


IDENTIFIER = TextRule(100)  # ids, cursors, Kolada ids, paragraph (§) and diary numbers
KEY = TextRule(100, visible=True)  # what names or finds a thing: codes, references, the HR system's keys
NAME = TextRule(300, visible=True)  # titles and names, one line
LINE = TextRule(300)  # a short free text on one line (why medarbetarmål are read)
TEXT = TextRule(10_000, multiline=True)  # descriptions and reasons

TEXT_RULES: Mapping[str, TextRule] = {
    "code": KEY,
    "externalId": KEY,
    "employeeRef": KEY,
    "sourceSystem": KEY,
    "label": KEY,  # a reporting period's label finds it ("Delår 2027")
    "periodLabel": KEY,
    "koladaKpiId": IDENTIFIER,
    "municipalityId": IDENTIFIER,
    "gender": IDENTIFIER,
    "status": IDENTIFIER,
    "paragraph": IDENTIFIER,
    "diaryNumber": IDENTIFIER,
    "after": IDENTIFIER,
    "before": IDENTIFIER,
    "title": NAME,
    "name": NAME,
    "unit": NAME,
    "activity": NAME,
    "purpose": LINE,
    "description": TEXT,
    "reason": TEXT,
    # An assessment's analysis and a section of the strategic analysis are documents of their own;
    # the follow-up and planning domains allow 20,000 and 100,000 characters.
    "analysis": TextRule(20_000, multiline=True),
    "text": TextRule(100_000, multiline=True),
    # importKolada: a whole Kolada response, as large as follow-up's own limit on it.
    "document": TextRule(20_000_000, multiline=True),
}
# Where one field of a name needs another limit than the name's: an action's title was 500 before.
COORDINATE_RULES: Mapping[str, TextRule] = {"ActionInput.title": TextRule(500, visible=True)}
ID_RULE = IDENTIFIER
# A string the table does not name; unclassified_strings() keeps our schemas free of them.
DEFAULT_RULE = LINE

FORBIDDEN_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
FORBIDDEN_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
VISIBLE_ASCII = re.compile("[!-~]")
# Letters that render as nothing (Hangul fillers, the blank Braille pattern).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def rule_for(coordinate: str, name: str, *, is_id: bool = False) -> TextRule:
    """The rule of a string argument or input field (``Type.field`` or ``Type.field(arg)``, and its name)."""
    if is_id:
        return ID_RULE
    return COORDINATE_RULES.get(coordinate) or TEXT_RULES.get(name) or DEFAULT_RULE


def _visible(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNPS" and char not in _BLANK_LETTERS


def _describe(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"an unpaired surrogate (U+{code:04X})"
    name = {0: "NUL", 0x09: "tab", 0x0A: "line feed", 0x0D: "carriage return", 0x7F: "DEL"}.get(code)
    return f"the control character U+{code:04X}" + (f" ({name})" if name else "")


def text_problem(value: str, rule: TextRule, field: str) -> DomainError | None:
    """Why ``value`` breaks ``rule`` (an error naming ``field`` and the rule), or None when it does not."""
    if len(value) > rule.max_length:
        return DomainError(
            f"{field} is {len(value):,} characters long; at most {rule.max_length:,} are allowed",
            field=field,
            rule=RULE_MAX_LENGTH,
        )
    bad = (FORBIDDEN_MULTILINE if rule.multiline else FORBIDDEN_ONE_LINE).search(value)
    if bad is not None:
        allowed = "only line breaks and tabs are allowed" if rule.multiline else "it must be one line of text"
        return DomainError(
            f"{field} contains {_describe(bad.group())} at position {bad.start()}; {allowed}",
            field=field,
            rule=RULE_FORBIDDEN_CHARACTER,
        )
    # Empty or only whitespace is the domain's to refuse (its own "required" rule); zero-width
    # characters are not whitespace to str.strip(), so they would pass it unseen.
    if rule.visible and value.strip() and not any(_visible(c) for c in value):
        return DomainError(
            f"{field} holds no visible character (only whitespace or zero-width characters)",
            field=field,
            rule=RULE_INVISIBLE,
        )
    return None


def date_problem(value: date, field: str) -> DomainError | None:
    if DATE_MIN <= value <= DATE_MAX:
        return None
    return DomainError(
        f"{field} must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}, got {value.isoformat()}",
        field=field,
        rule=RULE_DATE_RANGE,
    )
