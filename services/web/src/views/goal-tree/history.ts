// A goal's decisions come from four places in the API (adoption, each revision, each link and its end,
// the retirement); one decision may do several of these (the adoption is also revision 1, one decision
// may move a goal from one parent to another), so they are joined into one row per decision.

export interface DecisionLike {
  date: string;
  paragraph?: string | null;
  diaryNumber?: string | null;
  body: { code: string; name: string };
}

export type DecisionEffect =
  | { kind: 'adopted' }
  | { kind: 'revised'; number: number }
  | { kind: 'linked'; parentTitle: string }
  | { kind: 'unlinked'; parentTitle: string }
  | { kind: 'retired' };

export interface DecisionRow {
  key: string;
  decision: DecisionLike;
  effects: DecisionEffect[];
}

export interface GoalHistory {
  adopted?: DecisionLike | null;
  retired?: DecisionLike | null;
  revisions: readonly { number: number; decision?: DecisionLike | null }[];
  parentLinks: readonly {
    parent?: { title: string } | null;
    decision?: DecisionLike | null;
    endedBy?: DecisionLike | null;
  }[];
}

function keyOf(d: DecisionLike): string {
  return [d.date, d.body.code, d.paragraph ?? '', d.diaryNumber ?? ''].join('|');
}

export function decisionRows(history: GoalHistory): DecisionRow[] {
  const rows = new Map<string, DecisionRow>();
  const add = (decision: DecisionLike | null | undefined, effect: DecisionEffect): void => {
    if (!decision) return;
    const key = keyOf(decision);
    const row = rows.get(key);
    if (row) row.effects.push(effect);
    else rows.set(key, { key, decision, effects: [effect] });
  };
  add(history.adopted, { kind: 'adopted' });
  for (const r of history.revisions) {
    // Revision 1 is the goal as adopted: its decision is the adoption, already listed.
    if (r.number === 1 && history.adopted && r.decision && keyOf(r.decision) === keyOf(history.adopted)) continue;
    add(r.decision, { kind: 'revised', number: r.number });
  }
  for (const link of history.parentLinks) {
    const parentTitle = link.parent?.title ?? '';
    add(link.decision, { kind: 'linked', parentTitle });
    add(link.endedBy, { kind: 'unlinked', parentTitle });
  }
  add(history.retired, { kind: 'retired' });
  // ISO dates sort as strings; Array.sort is stable, so one day's decisions keep the order above.
  return [...rows.values()].sort((a, b) => (a.decision.date < b.decision.date ? -1 : a.decision.date > b.decision.date ? 1 : 0));
}

/** Whether a decision was taken after the date the structure is shown for (none: today, nothing is later). */
export function decidedLater(decisionDate: string | undefined, asOf: string | null): boolean {
  return asOf !== null && decisionDate !== undefined && decisionDate > asOf;
}
