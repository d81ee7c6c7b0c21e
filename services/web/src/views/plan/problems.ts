// Which of a failed call's Problems this view places itself (the domain's refusals: at a cell of the
// matrix, or beside the budget) and which go to the shared notices (sign-in expiry, outages, refusals by
// the front door, network).
import type { Problem } from '../../api/problems';

export function isDomainRefusal(problem: Problem): boolean {
  return problem.kind === 'field' || problem.kind === 'form';
}

/** year → internbudget minus frame for each year that is off (extensions.differences of
 * plan.budget_unbalanced); a year without a frame is off too, so frame may be null here. */
export function differencesOf(problem: Problem): Map<number, string> {
  const out = new Map<number, string>();
  const raw = problem.details?.differences;
  if (!Array.isArray(raw)) return out;
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { year, difference } = item as Record<string, unknown>;
    if (typeof year === 'number' && typeof difference === 'string') out.set(year, difference);
  }
  return out;
}
