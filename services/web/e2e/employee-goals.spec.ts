// Medarbetarmål (design 6.6, test table in section 10): an employee sees exactly their own goals and who
// read them, a manager their unit's and no other unit's (the API's access.own_unit at "Enhet"), a reader
// the front door's refusal; nobody an edit control.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { e2eData, expectAccessible, expectFitsTablet, expectNoRawJson, shoot, signInAs } from './support';

interface Goal {
  title: string;
  operationalGoal: string;
}
interface EmployeeGoalsData {
  unit: { code: string; name: string };
  otherUnit: { code: string; name: string };
  e1: { ref: string; goals: Goal[] };
  e2: { ref: string; goals: Goal[] };
  e3: { ref: string; goals: Goal[] };
}

const data = e2eData<EmployeeGoalsData>();
const titles = (...who: { goals: Goal[] }[]) => who.flatMap((w) => w.goals.map((g) => g.title));

function goalsTable(page: Page) {
  return page.getByRole('table', { name: 'Medarbetarmål', exact: true });
}

async function expectRowsExactly(page: Page, expected: string[]): Promise<void> {
  const rowHeaders = goalsTable(page).locator('tbody th[scope="row"]');
  await expect(rowHeaders).toHaveCount(expected.length);
  expect((await rowHeaders.allInnerTexts()).map((t) => t.trim()).sort()).toEqual([...expected].sort());
}

test('an employee sees exactly their own medarbetarmål and who has read them, and nothing to edit', async ({
  page,
}) => {
  await signInAs(page, 'employee', { sub: data.e1.ref });
  await page.goto('/medarbetarmal');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mina medarbetarmål');
  await expectRowsExactly(page, titles(data.e1));
  const first = data.e1.goals[0]!;
  await expect(goalsTable(page).getByRole('row').filter({ hasText: first.title })).toContainText(first.operationalGoal);
  await expect(goalsTable(page)).toContainText(data.unit.name);
  await expect(goalsTable(page)).not.toContainText(data.e2.ref); // no employee column for one's own

  // The registerutdrag's access log lists this very read: by the employee, with the app's purpose.
  const log = page.getByRole('table', { name: 'Läsningar av mina medarbetarmål' });
  await expect(page.getByRole('heading', { name: 'Vem har läst mina mål' })).toBeVisible();
  const thisRead = log.getByRole('row').filter({ hasText: 'Medarbetarmål i vsm-webben' }).filter({ hasText: data.e1.ref });
  await expect(thisRead.first()).toContainText('Läsning');
  await expect(thisRead.first()).toContainText(String(data.e1.goals.length));

  // Read only: the HR system owns medarbetarmål, so the view has no control at all.
  await expect(page.getByRole('main').locator('input, select, textarea, button')).toHaveCount(0);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Medarbetarmål' })).toBeVisible();
  await expectAccessible(page);
  await expectFitsTablet(page);
  await expectNoRawJson(page);
});

test('a manager sees the unit’s medarbetarmål, and another unit’s is refused at "Enhet"', async ({ page }) => {
  await signInAs(page, 'manager', { org: data.unit.code });
  await page.goto('/medarbetarmal');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Medarbetarmål för ${data.unit.name}`);
  await expectRowsExactly(page, titles(data.e1, data.e2));
  await expect(goalsTable(page)).toContainText(data.e1.ref);
  await expect(goalsTable(page)).toContainText(data.e2.ref);
  await expect(goalsTable(page)).not.toContainText(data.e3.ref);
  await expect(page.getByRole('status').filter({ hasText: '3 medarbetarmål' })).toBeVisible();
  const unit = page.getByLabel('Enhet', { exact: true });
  await expect(unit).toHaveValue(data.unit.code);
  // The only controls are the choice of unit: nothing edits a medarbetarmål.
  await expect(page.getByRole('main').locator('input, select, textarea')).toHaveCount(1);
  await expect(page.getByRole('main').getByRole('button')).toHaveText(['Visa']);
  await expectAccessible(page);
  await expectFitsTablet(page);
  await expectNoRawJson(page);
  await shoot(page, 'medarbetarmal');

  // Another unit: the goals service refuses (FORBIDDEN, access.own_unit, field unitId) and says so there.
  await unit.fill(data.otherUnit.code);
  await unit.press('Enter');
  await expect(page).toHaveURL(new RegExp(`\\?enhet=${data.otherUnit.code}$`));
  await expect(unit).toHaveAttribute('aria-invalid', 'true');
  const error = page.locator(`[id="${await unit.getAttribute('id')}-error"]`);
  await expect(error).toContainText('Du kan bara se medarbetarmål för din egen enhet.');
  await expect(error).toContainText('own unit'); // the API's message, verbatim
  await expect(page.getByRole('heading', { name: 'Rätta följande' })).toBeVisible();
  await expect(goalsTable(page)).toHaveCount(0);
  await expectAccessible(page);
  await expectNoRawJson(page);

  // A code no organisation has is the app's own finding, at the same field.
  await page.goto('/medarbetarmal?enhet=FINNS-INTE-ALLS');
  await expect(page.getByLabel('Enhet', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Det finns ingen enhet med den koden.').first()).toBeVisible();
  await expectNoRawJson(page);
});

test('a reader is refused medarbetarmål by the front door and has no entry for them', async ({ page }) => {
  await signInAs(page, 'reader');
  await page.goto('/medarbetarmal');
  await expect(page.getByText('Din roll får inte läsa medarbetarmål.')).toBeVisible();
  await expect(goalsTable(page)).toHaveCount(0);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Medarbetarmål' })).toHaveCount(0);
  await expectAccessible(page);
  await expectNoRawJson(page);
});
