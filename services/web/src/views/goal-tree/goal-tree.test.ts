import { describe, expect, it } from 'vitest';
import { type DecisionLike, decidedLater, decisionRows } from './history';
import { joinStructure, type TreeGoal } from './tree';

function goal(id: string, level: TreeGoal['level'], parents: string[] = [], themes: string[] = []): TreeGoal {
  return {
    id,
    level,
    title: id,
    parents: parents.map((p) => ({ id: p })),
    themes: themes.map((t) => ({ id: t })),
    organizations: [],
  };
}

describe('joinStructure', () => {
  it('hangs each goal under every parent shown, the top under its themes', () => {
    const s = joinStructure(
      [
        goal('K1', 'CONCRETE', ['H1', 'H2']),
        goal('O1', 'OVERARCHING', [], ['hem']),
        goal('H1', 'ACTION_PROGRAMME', ['O1']),
        goal('H2', 'ACTION_PROGRAMME', ['O1']),
        goal('O2', 'OVERARCHING', [], ['other-vision']),
      ],
      ['hem'],
    );
    expect(s.byTheme.get('hem')?.map((g) => g.id)).toEqual(['O1']);
    expect(s.withoutTheme.map((g) => g.id)).toEqual(['O2']);
    expect(s.childrenOf('O1').map((g) => g.id)).toEqual(['H1', 'H2']);
    expect(s.childrenOf('H1').map((g) => g.id)).toEqual(['K1']);
    expect(s.childrenOf('H2').map((g) => g.id)).toEqual(['K1']);
    expect(s.size).toBe(5);
  });

  it('keeps a goal whose parents are not shown (retired by then) instead of losing it', () => {
    const s = joinStructure([goal('V1', 'OPERATIONAL', ['K-retired'])], []);
    expect(s.withoutParent.map((g) => g.id)).toEqual(['V1']);
  });
});

const kf = { code: 'KF', name: 'Kommunfullmäktige' };
const adopted: DecisionLike = { date: '2020-03-01', paragraph: '§ 41', diaryNumber: 'KS 2019/00871', body: kf };
const revised: DecisionLike = { date: '2024-05-01', paragraph: '§ 77', diaryNumber: 'KS 2024/00133', body: kf };
const retired: DecisionLike = { date: '2025-06-01', paragraph: '§ 102', diaryNumber: 'KS 2025/00219', body: kf };

describe('decisionRows', () => {
  it('lists one row per decision in date order, revision 1 being the adoption', () => {
    const rows = decisionRows({
      retired,
      adopted,
      revisions: [
        { number: 2, decision: { ...revised } },
        { number: 1, decision: { ...adopted } },
      ],
      parentLinks: [],
    });
    expect(rows.map((r) => [r.decision.date, r.effects])).toEqual([
      ['2020-03-01', [{ kind: 'adopted' }]],
      ['2024-05-01', [{ kind: 'revised', number: 2 }]],
      ['2025-06-01', [{ kind: 'retired' }]],
    ]);
  });

  it('joins what one decision did to several links', () => {
    const move: DecisionLike = { date: '2026-11-16', paragraph: '§ 160', body: kf };
    const rows = decisionRows({
      adopted,
      revisions: [],
      parentLinks: [
        { parent: { title: 'Gammalt' }, decision: null, endedBy: move },
        { parent: { title: 'Nytt' }, decision: { ...move } },
      ],
    });
    expect(rows).toHaveLength(2);
    expect(rows[1]?.effects).toEqual([
      { kind: 'unlinked', parentTitle: 'Gammalt' },
      { kind: 'linked', parentTitle: 'Nytt' },
    ]);
  });

  it('marks only decisions after the date shown as later; today nothing is', () => {
    expect(decidedLater('2025-06-01', '2025-01-01')).toBe(true);
    expect(decidedLater('2025-01-01', '2025-01-01')).toBe(false);
    expect(decidedLater('2025-06-01', null)).toBe(false);
  });
});
