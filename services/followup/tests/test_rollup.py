"""Roll-up of fulfilment over a deep goal tree with a retired branch (pure domain, no I/O)."""

import uuid
from datetime import date

from vsm_followup.domain.model import AssessmentStatus, FulfilmentBasis
from vsm_followup.domain.rollup import (
    MAX_NAMED,
    GoalNode,
    RollupPolicy,
    RollupStrategy,
    combine,
    roll_up,
    structure_day,
)

S = AssessmentStatus
B = FulfilmentBasis
PERIOD = uuid.uuid4()
END = date(2026, 8, 31)  # delår
WORST = RollupPolicy()
SHARE = RollupPolicy(RollupStrategy.SHARE, achieved_share=0.8, partly_share=0.5)


class Tree:
    """A synthetic goal tree built by name."""

    def __init__(self) -> None:
        self.nodes: dict[uuid.UUID, GoalNode] = {}
        self.ids: dict[str, uuid.UUID] = {}

    def add(
        self,
        name: str,
        level: str,
        parent: str | None = None,
        own: AssessmentStatus | None = None,
        retired_on: date | None = None,
    ) -> uuid.UUID:
        gid = uuid.uuid4()
        self.ids[name] = gid
        self.nodes[gid] = GoalNode(gid, level, name, (), retired_on, own)
        if parent is not None:
            self.link(name, parent)
        return gid

    def link(self, child: str, parent: str) -> None:
        p = self.nodes[self.ids[parent]]
        self.nodes[p.id] = GoalNode(p.id, p.level, p.title, (*p.child_ids, self.ids[child]), p.retired_on, p.own_status)

    def run(self, root: str, policy: RollupPolicy = WORST, as_of: date = END):  # type: ignore[no-untyped-def]
        return roll_up([self.ids[root]], self.nodes, period_id=PERIOD, as_of=as_of, policy=policy)

    def __getitem__(self, name: str) -> uuid.UUID:
        return self.ids[name]


def deep_tree() -> Tree:
    """O1 > H1 > {K1 > {V1 ACH, V2 PARTLY}, K2 > {V3 NOT, V4 ACH}}, H1 > K3 (retired 2026-05-01) > V5 NOT."""
    t = Tree()
    t.add("Övergripande", "OVERARCHING")
    t.add("Handlingsprogram", "ACTION_PROGRAMME", "Övergripande")
    t.add("Konkret A", "CONCRETE", "Handlingsprogram")
    t.add("Konkret B", "CONCRETE", "Handlingsprogram")
    t.add("Konkret avvecklat", "CONCRETE", "Handlingsprogram", retired_on=date(2026, 5, 1))
    t.add("V1", "OPERATIONAL", "Konkret A", own=S.ACHIEVED)
    t.add("V2", "OPERATIONAL", "Konkret A", own=S.PARTLY_ACHIEVED)
    t.add("V3", "OPERATIONAL", "Konkret B", own=S.NOT_ACHIEVED)
    t.add("V4", "OPERATIONAL", "Konkret B", own=S.ACHIEVED)
    t.add("V5", "OPERATIONAL", "Konkret avvecklat", own=S.NOT_ACHIEVED)
    return t


def test_worst_of_rolls_up_through_every_level() -> None:
    t = deep_tree()
    done = t.run("Övergripande")
    assert done[t["Konkret A"]].status is S.PARTLY_ACHIEVED
    assert done[t["Konkret B"]].status is S.NOT_ACHIEVED
    assert done[t["Handlingsprogram"]].status is S.NOT_ACHIEVED
    top = done[t["Övergripande"]]
    assert (top.status, top.basis) == (S.NOT_ACHIEVED, B.ROLLED_UP)
    assert [c.title for c in top.contributors] == ["Handlingsprogram"]
    assert [c.title for c in top.contributors[0].contributors] == ["Konkret A", "Konkret B"]


def test_retired_branch_drops_out_from_its_retirement_date() -> None:
    t = deep_tree()
    # In T1 (ends 30 April) the branch retired on 1 May is still in force and counts.
    t1 = t.run("Handlingsprogram", as_of=date(2026, 4, 30))[t["Handlingsprogram"]]
    assert {c.title for c in t1.contributors} == {"Konkret A", "Konkret B", "Konkret avvecklat"}
    # In delår (ends 31 August) it is out, named in the explanation but not counted.
    delar = t.run("Handlingsprogram")[t["Handlingsprogram"]]
    assert {c.title for c in delar.contributors} == {"Konkret A", "Konkret B"}
    assert "1 avvecklat mål räknas inte: ”Konkret avvecklat”" in delar.explanation
    assert "av 2 konkretiserade mål" in delar.explanation
    # Retired on the period's last day: no longer in force at the report date, so out.
    t.nodes[t["Konkret avvecklat"]] = GoalNode(
        t["Konkret avvecklat"], "CONCRETE", "Konkret avvecklat", (t["V5"],), END, None
    )
    assert len(t.run("Handlingsprogram")[t["Handlingsprogram"]].contributors) == 2


def test_retired_branch_alone_would_have_changed_the_result() -> None:
    t = Tree()
    t.add("Mål", "CONCRETE")
    t.add("Kvar", "OPERATIONAL", "Mål", own=S.ACHIEVED)
    t.add("Avvecklat", "OPERATIONAL", "Mål", own=S.NOT_ACHIEVED, retired_on=date(2026, 2, 1))
    assert t.run("Mål")[t["Mål"]].status is S.ACHIEVED
    assert t.run("Mål", as_of=date(2026, 1, 31))[t["Mål"]].status is S.NOT_ACHIEVED


def test_asked_for_a_date_a_goal_adopted_after_it_is_not_yet_part_of_the_structure() -> None:
    t = Tree()
    t.add("Mål", "CONCRETE")
    t.add("Tidigt", "OPERATIONAL", "Mål", own=S.ACHIEVED)
    t.add("Sent", "OPERATIONAL", "Mål", own=S.NOT_ACHIEVED)
    late = t.nodes[t["Sent"]]
    t.nodes[late.id] = GoalNode(
        late.id, late.level, late.title, own_status=late.own_status, adopted_on=date(2026, 6, 1)
    )
    root = t["Mål"]

    def on(day: date, decided_by_then: bool) -> list[str]:
        done = roll_up([root], t.nodes, period_id=PERIOD, as_of=day, policy=WORST, decided_by_then=decided_by_then)
        return [c.title for c in done[root].contributors]

    assert on(date(2026, 5, 31), decided_by_then=True) == ["Tidigt"]
    assert on(date(2026, 6, 1), decided_by_then=True) == ["Sent", "Tidigt"]
    # Not adopted yet is not retired: the explanation does not name it as avvecklat.
    early = roll_up([root], t.nodes, period_id=PERIOD, as_of=date(2026, 5, 31), policy=WORST, decided_by_then=True)
    assert (early[root].status, "avvecklat" in early[root].explanation) == (S.ACHIEVED, False)
    # A period's own follow-up (no date asked) follows up every adopted goal in it.
    assert on(date(2026, 4, 30), decided_by_then=False) == ["Sent", "Tidigt"]


def test_explanation_names_the_goals_that_drove_the_result() -> None:
    t = Tree()
    t.add("Konkret", "CONCRETE")
    for name, status in [
        ("Läsa", S.NOT_ACHIEVED),
        ("Matte", S.NOT_ACHIEVED),
        ("Närvaro", S.PARTLY_ACHIEVED),
        ("Trivsel", S.ACHIEVED),
        ("Idrott", None),
    ]:
        t.add(name, "OPERATIONAL", "Konkret", own=status)
    f = t.run("Konkret")[t["Konkret"]]
    assert f.status is S.NOT_ACHIEVED
    assert f.explanation == (
        "Sammanvägt (sämsta utfall avgör): 2 av 5 verksamhetsmål ej uppfyllda: ”Läsa”, ”Matte”; "
        "1 delvis uppfyllt: ”Närvaro”; 1 uppfyllt; 1 ej bedömt."
    )


def test_singular_and_mixed_levels_read_well() -> None:
    t = Tree()
    t.add("Top", "OVERARCHING")
    t.add("Program", "ACTION_PROGRAMME", "Top", own=S.NOT_ACHIEVED)
    t.add("Direkt", "CONCRETE", "Top", own=S.ACHIEVED)
    assert "1 av 2 bidragande mål ej uppfyllt: ”Program”; 1 uppfyllt" in t.run("Top")[t["Top"]].explanation


def test_long_lists_name_a_few_and_count_the_rest() -> None:
    t = Tree()
    t.add("Top", "CONCRETE")
    for i in range(MAX_NAMED + 3):
        t.add(f"V{i:02}", "OPERATIONAL", "Top", own=S.NOT_ACHIEVED)
    f = t.run("Top")[t["Top"]]
    assert f"{MAX_NAMED + 3} av {MAX_NAMED + 3} verksamhetsmål ej uppfyllda" in f.explanation
    assert "och 3 till" in f.explanation and "”V10”" not in f.explanation


def test_own_assessment_overrides_the_roll_up_and_says_so() -> None:
    t = deep_tree()
    t.nodes[t["Konkret B"]] = GoalNode(
        t["Konkret B"], "CONCRETE", "Konkret B", (t["V3"], t["V4"]), None, S.PARTLY_ACHIEVED
    )
    done = t.run("Handlingsprogram")
    b = done[t["Konkret B"]]
    assert (b.status, b.basis, b.rolled_up_status) == (S.PARTLY_ACHIEVED, B.OVERRIDDEN, S.NOT_ACHIEVED)
    assert b.explanation.startswith("Egen bedömning (delvis uppfyllt) ersätter sammanvägningen (ej uppfyllt")
    assert "”V3”" in b.explanation
    # The parent rolls up the overriding status, not the overridden one.
    assert done[t["Handlingsprogram"]].status is S.PARTLY_ACHIEVED


def test_own_assessment_of_a_leaf_is_assessed_not_overridden() -> None:
    t = deep_tree()
    v1 = t.run("Konkret A")[t["V1"]]
    assert (v1.status, v1.basis, v1.explanation) == (S.ACHIEVED, B.ASSESSED, "Egen bedömning: uppfyllt.")


def test_nothing_assessed_keeps_contributors_and_says_so() -> None:
    t = Tree()
    t.add("Top", "OVERARCHING")
    t.add("Barn", "ACTION_PROGRAMME", "Top")
    f = t.run("Top")[t["Top"]]
    assert (f.status, f.basis) == (S.NOT_ASSESSED, B.NONE)
    assert [c.title for c in f.contributors] == ["Barn"]
    assert "inget av 1 bidragande mål är bedömt" in f.explanation


def test_share_strategy_counts_achieved_and_partly() -> None:
    A, P, N, X = S.ACHIEVED, S.PARTLY_ACHIEVED, S.NOT_ACHIEVED, S.NOT_ASSESSED
    assert combine([A, A, A, A, N], SHARE) is A  # 4 of 5 = 80 %
    assert combine([A, A, A, N, N], SHARE) is P  # 3 of 5 at least partly
    assert combine([P, P, P, P], SHARE) is P
    assert combine([A, N, N, N], SHARE) is N
    assert combine([A, A, A, A, N, X, X], SHARE) is A  # the unassessed do not count
    assert combine([X, X], SHARE) is None
    assert combine([A, A, A, A, N], WORST) is N
    t = Tree()
    t.add("Top", "CONCRETE")
    for i, s in enumerate([A, A, A, A, N]):
        t.add(f"V{i}", "OPERATIONAL", "Top", own=s)
    f = t.run("Top", policy=SHARE)[t["Top"]]
    assert f.status is A
    assert "andel: uppfyllt från 80 % uppfyllda" in f.explanation


def test_shared_contributor_is_computed_once_and_cycles_do_not_loop() -> None:
    t = Tree()
    t.add("A", "OVERARCHING")
    t.add("B", "OVERARCHING")
    t.add("Delad", "CONCRETE", "A", own=S.NOT_ACHIEVED)
    t.link("Delad", "B")
    done = roll_up([t["A"], t["B"]], t.nodes, period_id=PERIOD, as_of=END, policy=WORST)
    assert done[t["A"]].contributors[0] is done[t["B"]].contributors[0]
    t.link("A", "Delad")  # a cycle the goals service would never allow
    done = t.run("A")
    assert done[t["A"]].status is S.NOT_ACHIEVED


def test_unknown_children_and_roots_are_ignored() -> None:
    t = Tree()
    t.add("Top", "OVERARCHING")
    top = t.nodes[t["Top"]]
    t.nodes[top.id] = GoalNode(top.id, top.level, top.title, (uuid.uuid4(),), None, None)
    assert t.run("Top")[t["Top"]].contributors == ()
    assert roll_up([uuid.uuid4()], t.nodes, period_id=PERIOD, as_of=END, policy=WORST) == {}


def test_a_very_deep_chain_needs_no_recursion() -> None:
    t = Tree()
    t.add("n0", "OPERATIONAL", own=S.ACHIEVED)
    for i in range(1, 5000):
        t.add(f"n{i}", "OPERATIONAL")
        t.link(f"n{i - 1}", f"n{i}")
    assert t.run("n4999")[t["n4999"]].status is S.ACHIEVED


def test_a_1500_goal_tree_rolls_up_every_goal_once() -> None:
    # How fast is for `make bench` to print (the committee dashboard), not for a test on a busy machine.
    t = Tree()
    t.add("O", "OVERARCHING")
    for h in range(5):
        t.add(f"H{h}", "ACTION_PROGRAMME", "O")
        for k in range(20):
            t.add(f"K{h}.{k}", "CONCRETE", f"H{h}")
            for v in range(14):
                own = (S.ACHIEVED, S.PARTLY_ACHIEVED, S.NOT_ACHIEVED, None)[(h + k + v) % 4]
                t.add(f"V{h}.{k}.{v}", "OPERATIONAL", f"K{h}.{k}", own=own)
    assert len(t.nodes) > 1500
    done = t.run("O")
    assert len(done) == len(t.nodes)
    assert done[t["O"]].status is S.NOT_ACHIEVED  # worst of its five programmes, each with a NOT_ACHIEVED


def test_the_structure_walked_is_the_asked_day_else_the_periods_end_else_today() -> None:
    def today() -> date:
        return date(2026, 5, 5)

    assert structure_day(date(2025, 1, 1), date(2026, 8, 31), today) == date(2025, 1, 1)
    assert structure_day(None, date(2026, 8, 31), today) == date(2026, 8, 31)
    assert structure_day(None, None, today) == date(2026, 5, 5)
