// Direktiv in Chromium (design 6.3, 10): the demo's adopted 2027 planeringsdirektiv and ägardirektiv as a
// reader, and a draft the planning office alone is offered. Expected values are the API's answers as the
// pytest fixture read them (tests/web/test_directive.py), the sums added there as decimals.
import { expect, test, type Page } from '@playwright/test';

import { e2eData, expectAccessible, expectFitsTablet, expectNoRawJson, shoot, signInAs } from './support';

interface Directive {
  id: string;
  title: string;
  revision: number;
  taxRate: string | null;
  decision: { date: string; paragraph: string | null; diaryNumber: string | null };
  supersedes: { id: string; revision: number } | null;
  frames: { code: string; name: string; amounts: string[] }[];
  sums: string[];
  goals: string[];
  assignments: { title: string; recipients: string[]; dueOn: string | null }[];
}
interface Data {
  planning: Directive;
  owner: Directive;
  draft: { year: number; id: string; title: string; assignment: string };
  unknownId: string;
}

const data = e2eData<Data>();

/** As the app writes an amount in Swedish: "2 950 000 000,00 kr" (Intl's own spaces). */
function kronor(amount: string): string {
  return new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK' }).format(
    amount as Intl.StringNumericLiteral,
  );
}

function swedishDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}

async function checkState(page: Page): Promise<void> {
  await expectNoRawJson(page);
  await expectAccessible(page);
  await expectFitsTablet(page);
}

async function expectFrames(page: Page, d: Directive): Promise<void> {
  const table = page.getByTestId('direktiv-ramar').getByRole('table');
  await expect(table.locator('thead th')).toHaveText(['Mottagare', '2027', '2028', '2029']);
  await expect(table.locator('tbody tr')).toHaveCount(d.frames.length);
  for (const frame of d.frames) {
    const row = table.locator(`tr[data-org="${frame.code}"]`);
    await expect(row.locator('th')).toHaveText(`${frame.name} (${frame.code})`);
    await expect(row.locator('td')).toHaveText(frame.amounts.map(kronor));
  }
  await expect(table.locator('tr[data-org="summa"] td')).toHaveText(d.sums.map(kronor));
}

test('the 2027 planeringsdirektiv: KF decision, skattesats, frames with exact sums, goals and uppdrag', async ({
  page,
}) => {
  const d = data.planning;
  await signInAs(page, 'reader');
  await page.goto('/direktiv?budgetar=2027');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Direktiv 2027');
  const adopted = page.getByTestId('direktiv-antagna');
  await expect(adopted.getByRole('link')).toHaveCount(2);
  await expect(adopted.getByRole('link', { name: d.title })).toBeVisible();
  await expect(adopted.getByRole('link', { name: data.owner.title })).toBeVisible();
  await expect(page.getByTestId('direktiv-utkast')).toHaveCount(0); // drafts are the planning office's
  await checkState(page);

  await adopted.getByRole('link', { name: d.title }).click();
  await expect(page).toHaveURL(new RegExp(`/direktiv/${d.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(d.title);
  await expect(page).toHaveTitle(new RegExp(d.title));
  const decision = page.getByTestId('direktiv-beslut');
  await expect(decision).toContainText(swedishDate(d.decision.date));
  if (d.decision.paragraph) await expect(decision).toContainText(d.decision.paragraph);
  if (d.decision.diaryNumber) await expect(decision).toContainText(`diarienummer ${d.decision.diaryNumber}`);
  await expect(page.getByTestId('skattesats')).toHaveText('20,38 kr per 100 kr');
  await expectFrames(page, d);
  const bun = page.locator('tr[data-org="BUN"] td');
  // The demo's frames as the design names them, whatever spaces Intl puts between the digit groups.
  await expect(bun).toHaveText([/^2\s950\s000\s000,00\skr$/, /^3\s010\s000\s000,00\skr$/, /^3\s070\s000\s000,00\skr$/]);

  const goals = page.getByTestId('direktiv-mal').locator('tbody th');
  await expect(goals).toHaveText(d.goals);
  const uppdrag = page.getByTestId('direktiv-uppdrag');
  await expect(uppdrag.locator('tbody tr')).toHaveCount(d.assignments.length);
  for (const a of d.assignments) {
    const row = uppdrag.getByRole('row', { name: new RegExp(a.title) });
    await expect(row).toContainText(a.recipients.join(', '));
    if (a.dueOn) await expect(row).toContainText(swedishDate(a.dueOn));
  }
  await expect(uppdrag.getByRole('row', { name: /Utred gemensam lokalförsörjning för skola och fritid/ })).toContainText(
    'BUN, TFN',
  );
  await expect(page.getByTestId('direktiv-faststallande')).toContainText('antagna med KF:s beslut');
  await checkState(page);
  await shoot(page, 'direktiv');

  // KF's November revision superseded June's: the history leads to it, and it says what replaced it.
  const revisions = page.getByTestId('direktiv-revisioner');
  await expect(revisions).toContainText(`Revision ${d.revision} (denna)`);
  if (d.supersedes) {
    await revisions.getByRole('link', { name: `Revision ${d.supersedes.revision}` }).click();
    await expect(page).toHaveURL(new RegExp(`/direktiv/${d.supersedes.id}$`));
    await expect(page.getByText(`Ersätts av revision ${d.revision}`)).toBeVisible();
    await expect(page.getByText('Ersatt, revision 1')).toBeVisible();
    await checkState(page);
  }
});

test('the 2027 ägardirektiv to HEM and HFAB, without skattesats', async ({ page }) => {
  const d = data.owner;
  await signInAs(page, 'reader');
  await page.goto('/direktiv?budgetar=2027');
  await page.getByTestId('direktiv-antagna').getByRole('link', { name: d.title }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(d.title);
  await expect(page.getByTestId('skattesats')).toHaveCount(0);
  await expect(page.getByTestId('direktiv-ramar').locator('tbody th')).toHaveText(
    d.frames.map((f) => `${f.name} (${f.code})`),
  );
  expect(d.frames.map((f) => f.code)).toEqual(['HEM', 'HFAB']);
  await expectFrames(page, d);
  await expect(page.getByTestId('direktiv-uppdrag')).toContainText('Plan för utbyggd fjärrvärme i Kattegattsområdet');
  await checkState(page);

  await page.getByRole('link', { name: 'Alla direktiv för budgetåret' }).click();
  await expect(page).toHaveURL(/\/direktiv\?budgetar=2027$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Direktiv 2027');
});

test('the planning office sees its draft, with its overdue uppdrag; an unknown or malformed id is said so', async ({
  page,
}) => {
  const draft = data.draft;
  await signInAs(page, 'planner');
  await page.goto(`/direktiv?budgetar=${draft.year}`);
  await expect(page.getByTestId('direktiv-antagna')).toHaveCount(0);
  const drafts = page.getByTestId('direktiv-utkast');
  await drafts.getByRole('link', { name: draft.title }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(draft.title);
  await expect(page.getByTestId('direktiv-beslut')).toHaveText('Inte antaget än.');
  await expect(page.getByText('Inga budgetramar än.')).toBeVisible();
  const row = page.getByTestId('direktiv-uppdrag').getByRole('row', { name: new RegExp(draft.assignment) });
  await expect(row).toContainText('Ej påbörjat');
  await expect(row).toContainText('Försenat'); // Assignment.overdue, the API's (gap G3)
  await checkState(page);

  await page.goto(`/direktiv/${data.unknownId}`);
  await expect(page.getByText('Direktivet finns inte.')).toBeVisible();
  await checkState(page);

  // Not an id at all: the API's refusal in words, its own message after it, no JSON.
  await page.goto('/direktiv/inte-ett-id');
  const refusal = page.getByRole('alert');
  await expect(refusal).toContainText('Adressen pekar inte ut något direktiv.');
  await expect(refusal).toContainText('Svar från vsm: id is not a valid id');
  await checkState(page);
});
