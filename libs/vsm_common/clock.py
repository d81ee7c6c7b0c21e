"""The municipality's calendar: one "today" for every service.

What is in force now, which phase falls due, which action is overdue and on which day an event was
recorded are all judged by the municipality's calendar day, wherever the servers run and whatever
zone their clocks are set to. That is Europe/Stockholm unless ``VSM_TIMEZONE`` names another IANA
zone; every service reads the same variable, so the three never disagree about the date.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TIMEZONE_VARIABLE = "VSM_TIMEZONE"
DEFAULT_TIMEZONE = "Europe/Stockholm"


@lru_cache(maxsize=1)
def municipality_zone() -> ZoneInfo:
    """The zone of ``VSM_TIMEZONE`` (default Europe/Stockholm); a name that is no zone is refused."""
    name = os.environ.get(TIMEZONE_VARIABLE) or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{TIMEZONE_VARIABLE}={name!r} is not an IANA time zone (e.g. {DEFAULT_TIMEZONE})") from exc


def today() -> date:
    """The municipality's date now."""
    return datetime.now(municipality_zone()).date()


def day_of(moment: datetime) -> date:
    """The municipality's date at ``moment`` (an aware datetime, e.g. an event's ``time``)."""
    return moment.astimezone(municipality_zone()).date()
