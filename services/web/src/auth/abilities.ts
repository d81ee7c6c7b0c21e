// What the UI offers each role (docs/api.md "Roles"). The API still decides every read and write; this
// only keeps controls away from people who would be refused, and a refusal still shows where it happens.

export type PersonRole = 'planner' | 'committee' | 'manager' | 'employee' | 'reader';
export type NavKey = 'goals' | 'wheel' | 'directives' | 'plans' | 'followUp' | 'employeeGoals';

export interface NavEntry {
  key: NavKey;
  to: string;
}

export interface ViewerLike {
  roles: readonly string[];
  organization?: { code: string } | null;
}

export interface Abilities {
  roles: ReadonlySet<string>;
  /** The organisation code the token speaks for (a committee's nämnd/bolag, a manager's enhet). */
  orgCode: string | null;
  nav: NavEntry[];
  home: string;
  /** Sees draft directives and plans of every organisation. */
  isPlanner: boolean;
  /** May change the verksamhetsplan (internbudget, submit) of this organisation. */
  canEditPlan: (orgCode: string) => boolean;
  /** May assess goals and add or change åtgärder for this organisation. */
  canFollowUp: (orgCode: string) => boolean;
  /** Has the medarbetarmål entry (own goals or the unit's). */
  seesEmployeeGoals: boolean;
  /** Sees every employee of a unit rather than only their own goals. */
  seesUnitEmployeeGoals: boolean;
}

const PUBLIC_READERS = ['planner', 'committee', 'reader', 'ops'];

function sameCode(a: string | null, b: string): boolean {
  return a !== null && a.toUpperCase() === b.toUpperCase();
}

export function abilitiesFor(viewer: ViewerLike | null | undefined): Abilities {
  const roles = new Set(viewer?.roles ?? []);
  const orgCode = viewer?.organization?.code ?? null;
  const isPlanner = roles.has('planner');
  const isCommittee = roles.has('committee') && orgCode !== null;
  const seesUnitEmployeeGoals = roles.has('manager');
  const seesEmployeeGoals = seesUnitEmployeeGoals || roles.has('employee');
  const readsPlans = PUBLIC_READERS.some((role) => roles.has(role));

  const nav: NavEntry[] = [];
  if (roles.size > 0 && !(roles.size === 1 && roles.has('budget-system'))) {
    nav.push({ key: 'goals', to: '/mal' }, { key: 'wheel', to: '/arshjul' });
  }
  if (roles.size > 0) nav.push({ key: 'directives', to: '/direktiv' });
  if (readsPlans) {
    nav.push({ key: 'plans', to: isCommittee && !isPlanner ? `/verksamhetsplan/${orgCode}` : '/verksamhetsplan' });
  }
  if (readsPlans || seesEmployeeGoals) {
    nav.push({ key: 'followUp', to: isCommittee && !isPlanner ? `/uppfoljning/${orgCode}` : '/uppfoljning' });
  }
  if (seesEmployeeGoals) nav.push({ key: 'employeeGoals', to: '/medarbetarmal' });

  let home = '/mal';
  if (isPlanner) home = '/arshjul';
  else if (isCommittee) home = `/uppfoljning/${orgCode}`;
  else if (seesEmployeeGoals) home = '/medarbetarmal';
  else if (roles.size === 1 && roles.has('budget-system')) home = '/direktiv';

  return {
    roles,
    orgCode,
    nav,
    home,
    isPlanner,
    canEditPlan: (code) => isPlanner || (isCommittee && sameCode(orgCode, code)),
    // assessGoal, addAction and setActionState are the committee's alone (not the planner's).
    canFollowUp: (code) => isCommittee && sameCode(orgCode, code),
    seesEmployeeGoals,
    seesUnitEmployeeGoals,
  };
}
