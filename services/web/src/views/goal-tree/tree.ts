// The API is read level by level (design section 5: one nested query is refused as too expensive), so
// the structure is joined here from four flat lists of goals with their parents' ids.
import type { GoalLevel } from '../../gql/graphql';

export const LEVELS: readonly GoalLevel[] = ['OVERARCHING', 'ACTION_PROGRAMME', 'CONCRETE', 'OPERATIONAL'];

export interface TreeGoal {
  id: string;
  level: GoalLevel;
  title: string;
  themes: readonly { id: string }[];
  parents: readonly { id: string }[];
  organizations: readonly { code: string; name: string }[];
}

export interface GoalStructure {
  /** Övergripande mål per vision theme id, in the API's order. */
  byTheme: ReadonlyMap<string, readonly TreeGoal[]>;
  /** Övergripande mål that serve no theme of the vision. */
  withoutTheme: readonly TreeGoal[];
  /** Goals below the top whose parents are none of the goals shown (e.g. their parent was retired). */
  withoutParent: readonly TreeGoal[];
  childrenOf(goalId: string): readonly TreeGoal[];
  goal(goalId: string): TreeGoal | undefined;
  size: number;
}

export function joinStructure(goals: readonly TreeGoal[], themeIds: readonly string[]): GoalStructure {
  const byId = new Map<string, TreeGoal>();
  for (const g of goals) byId.set(g.id, g);

  const children = new Map<string, TreeGoal[]>();
  const withoutParent: TreeGoal[] = [];
  const byTheme = new Map<string, TreeGoal[]>(themeIds.map((id) => [id, []]));
  const withoutTheme: TreeGoal[] = [];

  // Sorted by level first so children keep the API's order within a level under each parent.
  const ordered = [...byId.values()].sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
  for (const g of ordered) {
    if (g.level === 'OVERARCHING') {
      const served = g.themes.filter((t) => byTheme.has(t.id));
      if (served.length === 0) withoutTheme.push(g);
      for (const t of served) byTheme.get(t.id)?.push(g);
      continue;
    }
    // A goal serving several goals (a konkretiserat mål of two handlingsprogram) appears under each.
    const known = g.parents.filter((p) => byId.has(p.id));
    if (known.length === 0) withoutParent.push(g);
    for (const p of known) {
      const list = children.get(p.id);
      if (list) list.push(g);
      else children.set(p.id, [g]);
    }
  }
  return {
    byTheme,
    withoutTheme,
    withoutParent,
    childrenOf: (goalId) => children.get(goalId) ?? [],
    goal: (goalId) => byId.get(goalId),
    size: byId.size,
  };
}

/** The ids a node may take in the DOM: a goal appears once per path, and ids must be unique. */
export function nodeKey(path: readonly string[]): string {
  return `mal-${path.join('_')}`;
}
