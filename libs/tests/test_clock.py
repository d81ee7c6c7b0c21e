"""One "today" for every service: the municipality's calendar day (vsm_common.clock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pydantic
import pytest

from vsm_common import clock
from vsm_common.settings import ServiceSettings


@pytest.fixture(autouse=True)
def fresh_zone() -> Iterator[None]:
    clock.municipality_zone.cache_clear()
    yield
    clock.municipality_zone.cache_clear()


def test_a_day_is_the_municipalitys_not_utcs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VSM_TIMEZONE", raising=False)
    late_evening_utc = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 March in Stockholm
    assert clock.day_of(late_evening_utc) == date(2026, 3, 2)
    assert str(clock.municipality_zone()) == "Europe/Stockholm"


def test_another_zone_can_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSM_TIMEZONE", "America/Sao_Paulo")
    assert clock.day_of(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)) == date(2026, 3, 1)
    assert abs((clock.today() - datetime.now(UTC).date()).days) <= 1


def test_a_zone_that_does_not_exist_stops_a_service_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSM_TIMEZONE", "Mars/Olympus")
    with pytest.raises(pydantic.ValidationError, match="VSM_TIMEZONE='Mars/Olympus' is not an IANA time zone"):
        ServiceSettings()
