"""The follow-up report as a printable HTML page (uppföljningsrapport), rendered server-side.

Every text that comes from data passes through :func:`html.escape`; the page has no scripts and
no external resources, so it prints the same anywhere and carries nothing executable.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

from ..domain.actions import is_overdue
from ..domain.indicators import Outcome
from ..domain.model import ACTION_STATE_LABEL, STATUS_LABEL, AssessmentStatus, Fulfilment, FulfilmentBasis
from ..queries import ReportData

S = AssessmentStatus
LEVEL_LABEL = {
    "OVERARCHING": "Övergripande mål",
    "ACTION_PROGRAMME": "Handlingsprogram",
    "CONCRETE": "Konkretiserat mål",
    "OPERATIONAL": "Verksamhetsmål",
}
BASIS_LABEL = {
    FulfilmentBasis.ASSESSED: "egen bedömning",
    FulfilmentBasis.ROLLED_UP: "sammanvägd från bidragande mål",
    FulfilmentBasis.OVERRIDDEN: "egen bedömning som ersätter sammanvägningen",
    FulfilmentBasis.NONE: "ingen bedömning",
}
CSS = """
body{font-family:Georgia,'Times New Roman',serif;margin:2em auto;max-width:60em;color:#111;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #999;margin-top:1.6em}
h3{margin:.2em 0}.meta{color:#444}.goal{border-left:.5em solid #bbb;padding:.3em .8em;margin:1em 0;
page-break-inside:avoid}.goal.ACHIEVED{border-color:#2e7d32}.goal.PARTLY_ACHIEVED{border-color:#f9a825}
.goal.NOT_ACHIEVED{border-color:#c62828}.status{font-weight:bold}.level{color:#555;font-size:.9em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f2f2f2}td.num{text-align:right}.overdue{color:#c62828;
font-weight:bold}.analysis{white-space:pre-wrap}
@media print{body{margin:0;max-width:none}a{color:inherit}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def fmt_number(value: float | None) -> str:
    """Swedish style: 105 298 and 6,6 (no-break space between thousands, decimal comma)."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u00a0")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u00a0").replace(".", ",")


def fmt_share(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}\u00a0%"


def _status(status: AssessmentStatus) -> str:
    return f'<span class="status">{_e(STATUS_LABEL[status].capitalize())}</span>'


def _summary(goals: Iterable[Fulfilment]) -> str:
    counts = Counter(g.status for g in goals)
    cells = "".join(
        f"<tr><td>{_e(STATUS_LABEL[s].capitalize())}</td><td class='num'>{counts.get(s, 0)}</td></tr>"
        for s in (S.ACHIEVED, S.PARTLY_ACHIEVED, S.NOT_ACHIEVED, S.NOT_ASSESSED)
    )
    return f"<table><tr><th>Måluppfyllelse</th><th>Antal mål</th></tr>{cells}</table>"


def _outcomes(outcomes: list[Outcome]) -> str:
    if not outcomes:
        return ""
    rows = []
    for o in outcomes:
        when = str(o.actual_year) if o.actual_year is not None and o.actual_period_id is None else ""
        rows.append(
            "<tr>"
            f"<td>{_e(o.indicator.name)}</td><td>{_e(o.indicator.unit)}</td>"
            f"<td class='num'>{_e(fmt_number(o.target))}</td>"
            f"<td class='num'>{_e(fmt_number(o.actual))}{(' (' + _e(when) + ')') if when else ''}</td>"
            f"<td class='num'>{_e(fmt_share(o.share))}</td><td>{_e(STATUS_LABEL[o.status])}</td>"
            "</tr>"
        )
    return (
        "<table><tr><th>Nyckeltal</th><th>Enhet</th><th>Målvärde</th><th>Utfall</th>"
        "<th>Andel av målvärdet</th><th>Bedömning</th></tr>" + "".join(rows) + "</table>"
    )


def _goal(data: ReportData, f: Fulfilment) -> str:
    info = data.goal_info[f.goal_id]
    parts = [
        f'<article class="goal {_e(f.status)}">',
        f'<div class="level">{_e(LEVEL_LABEL.get(info.level, info.level))}</div>',
        f"<h3>{_e(info.title)}</h3>",
        f"<p>{_status(f.status)} – {_e(BASIS_LABEL[f.basis])}</p>",
        f"<p>{_e(f.explanation)}</p>",
    ]
    own = data.assessments.get(f.goal_id)
    if own is not None and own.analysis:
        parts.append(f'<p><strong>Analys:</strong> <span class="analysis">{_e(own.analysis)}</span></p>')
    if own is not None and own.suggested_status is not None:
        parts.append(f"<p>Nyckeltalen föreslog: {_e(STATUS_LABEL[own.suggested_status])}.</p>")
    parts.append(_outcomes(data.outcomes.get(f.goal_id, [])))
    parts.append("</article>")
    return "".join(parts)


def _actions(data: ReportData) -> str:
    if not data.actions:
        return "<p>Inga åtgärder.</p>"
    rows = []
    for a in data.actions:
        late = ' <span class="overdue">(förfallen)</span>' if is_overdue(a.state, a.due_on, data.today) else ""
        goal = data.goal_info.get(a.goal_id)
        rows.append(
            "<tr>"
            f"<td>{_e(a.title)}</td><td>{_e(goal.title if goal else a.goal_id)}</td>"
            f"<td>{_e(data.organization_names.get(a.owner_id, str(a.owner_id)))}</td>"
            f"<td>{_e(a.due_on.isoformat() if a.due_on else '–')}</td>"
            f"<td>{_e(ACTION_STATE_LABEL[a.state])}{late}</td>"
            "</tr>"
        )
    return (
        "<table><tr><th>Åtgärd</th><th>Mål</th><th>Ansvarig</th><th>Klar senast</th><th>Status</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def render(data: ReportData) -> str:
    org = data.organization.display_name if data.organization else str(data.organization_id)
    p = data.period
    title = f"Uppföljning {p.label} – {org}"
    state = "stängd" if p.closed else "öppen"
    goals = "".join(_goal(data, f) for f in data.goals) or "<p>Inga mål att följa upp för perioden.</p>"
    return (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Uppföljningsrapport: {_e(org)}</h1>"
        f'<p class="meta">{_e(p.label)} ({_e(p.starts_on.isoformat())} – {_e(p.ends_on.isoformat())}), '
        f"perioden är {_e(state)}. Utskriven {_e(data.today.isoformat())}.</p></header>"
        f"<section><h2>Sammanfattning</h2>{_summary(data.goals)}</section>"
        f"<section><h2>Måluppfyllelse och analys</h2>{goals}</section>"
        f"<section><h2>Åtgärder</h2>{_actions(data)}</section>"
        "</body></html>"
    )
