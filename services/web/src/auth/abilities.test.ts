import { describe, expect, it } from 'vitest';
import { abilitiesFor } from './abilities';

const keys = (roles: string[], code?: string) =>
  abilitiesFor({ roles, organization: code ? { code } : null }).nav.map((entry) => entry.key);

describe('abilitiesFor', () => {
  it('offers the planner everything but medarbetarmål, home the årshjul', () => {
    const planner = abilitiesFor({ roles: ['planner'] });
    expect(keys(['planner'])).toEqual(['goals', 'wheel', 'directives', 'plans', 'followUp']);
    expect(planner.home).toBe('/arshjul');
    expect(planner.canEditPlan('BUN')).toBe(true);
    expect(planner.canFollowUp('BUN')).toBe(false);
    expect(planner.seesEmployeeGoals).toBe(false);
  });

  it("points a committee's plan and follow-up at its own nämnd and lets it edit only that", () => {
    const committee = abilitiesFor({ roles: ['committee'], organization: { code: 'BUN' } });
    expect(committee.nav.find((entry) => entry.key === 'plans')?.to).toBe('/verksamhetsplan/BUN');
    expect(committee.home).toBe('/uppfoljning/BUN');
    expect(committee.canEditPlan('bun')).toBe(true);
    expect(committee.canEditPlan('TFN')).toBe(false);
    expect(committee.canFollowUp('BUN')).toBe(true);
    expect(committee.canFollowUp('TFN')).toBe(false);
  });

  it('edits nothing for a committee token without an organisation', () => {
    const committee = abilitiesFor({ roles: ['committee'], organization: null });
    expect(committee.canEditPlan('BUN')).toBe(false);
    expect(committee.home).toBe('/mal');
  });

  it('gives manager and employee medarbetarmål and no plans entry', () => {
    expect(keys(['manager'], 'BUF-CENTRUM')).toEqual(['goals', 'wheel', 'directives', 'followUp', 'employeeGoals']);
    expect(keys(['employee'])).toEqual(['goals', 'wheel', 'directives', 'followUp', 'employeeGoals']);
    expect(abilitiesFor({ roles: ['manager'], organization: { code: 'BUF-CENTRUM' } }).seesUnitEmployeeGoals).toBe(true);
    expect(abilitiesFor({ roles: ['employee'] }).seesUnitEmployeeGoals).toBe(false);
    expect(abilitiesFor({ roles: ['employee'] }).home).toBe('/medarbetarmal');
    expect(abilitiesFor({ roles: ['manager'] }).canEditPlan('BUN')).toBe(false);
  });

  it('gives a reader the public views read-only, home the goal structure', () => {
    const reader = abilitiesFor({ roles: ['reader'] });
    expect(keys(['reader'])).toEqual(['goals', 'wheel', 'directives', 'plans', 'followUp']);
    expect(reader.home).toBe('/mal');
    expect(reader.canEditPlan('BUN')).toBe(false);
    expect(reader.seesEmployeeGoals).toBe(false);
  });

  it('offers nothing before the viewer is known', () => {
    expect(abilitiesFor(null).nav).toEqual([]);
  });
});
