"""The printable follow-up report: content a committee needs, every text escaped (pure rendering)."""

import uuid
from datetime import UTC, date, datetime

from vsm_followup.api import report_html
from vsm_followup.domain.indicators import Outcome
from vsm_followup.domain.model import (
    Action,
    ActionState,
    Assessment,
    AssessmentStatus,
    Direction,
    Fulfilment,
    FulfilmentBasis,
    Indicator,
    IndicatorSource,
    PeriodKind,
    ProjectedGoal,
    ProjectedOrganization,
    ReportingPeriod,
)
from vsm_followup.queries import ReportData

S = AssessmentStatus


def report() -> ReportData:
    org = ProjectedOrganization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", "COMMITTEE")
    period = ReportingPeriod(
        uuid.uuid4(), 2026, PeriodKind.INTERIM, "Delår 2026", date(2026, 1, 1), date(2026, 8, 31), False
    )
    g1, g2 = uuid.uuid4(), uuid.uuid4()
    evil = "<script>alert('x')</script> & co"
    ind = Indicator(uuid.uuid4(), "Invånare <b>totalt</b>", "antal", Direction.HIGHER_IS_BETTER, IndicatorSource.KOLADA)
    return ReportData(
        organization_id=org.id,
        organization=org,
        period=period,
        goals=[
            Fulfilment(g1, period.id, S.NOT_ACHIEVED, FulfilmentBasis.ASSESSED, "Egen bedömning: ej uppfyllt."),
            Fulfilment(g2, period.id, S.PARTLY_ACHIEVED, FulfilmentBasis.ROLLED_UP, f"Sammanvägt: ”{evil}”."),
        ],
        outcomes={
            g1: [Outcome(ind, 2026, 106500.0, 105921.0, 2025, None, 0.9946, S.PARTLY_ACHIEVED)],
            g2: [],
        },
        assessments={
            g1: Assessment(g1, period.id, S.NOT_ACHIEVED, S.PARTLY_ACHIEVED, f"Analys {evil}", None, datetime.now(UTC))
        },
        actions=[
            Action(uuid.uuid4(), g1, f"Åtgärd {evil}", org.id, date(2026, 10, 31), ActionState.IN_PROGRESS),
            Action(uuid.uuid4(), g1, "Klar åtgärd", org.id, date(2026, 6, 30), ActionState.DONE),
        ],
        goal_info={
            g1: ProjectedGoal(g1, "OPERATIONAL", "ADOPTED", f"Mål {evil}"),
            g2: ProjectedGoal(g2, "CONCRETE", "ADOPTED", "Konkret mål"),
        },
        organization_names={org.id: org.display_name},
        today=date(2026, 11, 26),
    )


def test_report_holds_what_a_committee_reads() -> None:
    page = report_html.render(report())
    assert page.startswith("<!DOCTYPE html>") and 'lang="sv"' in page
    assert "<h1>Uppföljningsrapport: Barn- och ungdomsnämnden</h1>" in page
    assert "Delår 2026 (2026-01-01 – 2026-08-31)" in page
    assert "Ej uppfyllt" in page and "Delvis uppfyllt" in page
    assert "Verksamhetsmål" in page and "Konkretiserat mål" in page
    assert "106\u00a0500" in page and "105\u00a0921 (2025)" in page and "99\u00a0%" in page
    assert "Nyckeltalen föreslog: delvis uppfyllt." in page
    assert "Barn- och ungdomsnämnden" in page and "2026-10-31" in page
    assert page.count("(förfallen)") == 1  # the done action is not overdue
    assert "@media print" in page


def test_every_text_is_escaped() -> None:
    page = report_html.render(report())
    assert "<script>" not in page and "<b>totalt</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "Invånare &lt;b&gt;totalt&lt;/b&gt;" in page


def test_swedish_number_format() -> None:
    assert report_html.fmt_number(105298.0) == "105\u00a0298"
    assert report_html.fmt_number(6.6) == "6,6"
    assert report_html.fmt_number(20.38) == "20,38"
    assert report_html.fmt_number(None) == "–"
    assert report_html.fmt_share(0.8) == "80\u00a0%"


def test_an_empty_report_says_so() -> None:
    data = report()
    data.goals, data.actions = [], []
    page = report_html.render(data)
    assert "Inga mål att följa upp för perioden." in page and "Inga åtgärder." in page
