// Verksamhetsplan (design 6.4, test table in section 10): a nämnd edits its internbudget with the
// difference to the frame live, the API's own refusals land at the cell or beside the budget, a balanced
// plan is submitted; a reader sees BUN's adopted 2027 plan read-only.
import { expect, test, type Page } from '@playwright/test';
import { e2eData, expectAccessible, expectFitsTablet, expectNoRawJson, shoot, signInAs } from './support';

interface PlanData {
  committee: { code: string; name: string };
  year: number;
  years: [number, number, number];
  frames: [string, string, string];
  goal: string;
  concreteGoal: string;
  demo: {
    code: string;
    name: string;
    year: number;
    paragraph: string;
    activities: string[];
    frames: [string, string, string];
  };
}

const data = e2eData<PlanData>();
const base = process.env.VSM_WEB_URL ?? '';

/** Amounts are written with no-break spaces: match the text with any space where the test has one. */
function spaced(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s');
  return new RegExp(`^\\s*${escaped}\\s*$`);
}

/** "104000000.00" as Swedish kronor: "104 000 000,00". */
const kr = (amount: string) => amount.replace('.', ',').replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
const difference = (page: Page, year: number) => page.getByTestId(`difference-${year}`);
const cell = (page: Page, activity: string, year: number) => page.getByLabel(`${activity} ${year}`, { exact: true });

test('a nämnd sees the difference to the frame live and cannot submit an unbalanced internbudget', async ({ page }) => {
  const { committee, years } = data;
  const [y1, y2, y3] = years;
  await signInAs(page, 'committee', { org: committee.code });
  await page.goto(`${base}/verksamhetsplan/${committee.code}?budgetar=${data.year}`);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Verksamhetsplan ${data.year} – ${committee.name}`);
  await expect(page.getByTestId('plan-state')).toHaveText('Utkast');
  const goals = page.getByTestId('plan-goals');
  await expect(goals).toContainText(data.goal);
  await expect(goals).toContainText(data.concreteGoal);
  // Nothing typed yet: each year is its whole frame under (100, 102 and 104 million in the Scenario).
  for (const [i, y] of years.entries()) {
    const kronor = `${kr(data.frames[i] ?? '')} kr`;
    await expect(page.getByTestId(`frame-${y}`)).toHaveText(spaced(kronor));
    await expect(difference(page, y)).toHaveText(spaced(`${kronor} under ramen`));
  }
  await expectAccessible(page);
  await expectNoRawJson(page);

  // Typing recomputes each year's difference in the browser: no request per keystroke.
  await page.waitForLoadState('networkidle');
  const requests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql') requests.push(request.postData() ?? '');
  });
  await page.getByLabel('Verksamhet, rad 1', { exact: true }).fill('Grundskola');
  await cell(page, 'Grundskola', y1).pressSequentially('70 000 000');
  await expect(difference(page, y1)).toHaveText(spaced('30 000 000,00 kr under ramen'));
  await cell(page, 'Grundskola', y2).pressSequentially('71000000');
  await cell(page, 'Grundskola', y3).pressSequentially('72 500 000');
  await page.getByRole('button', { name: 'Lägg till verksamhet' }).click();
  await page.getByLabel('Verksamhet, rad 2', { exact: true }).fill('Förskola');
  await cell(page, 'Förskola', y1).pressSequentially('30 000 000');
  await expect(difference(page, y1)).toHaveText('I balans');
  await cell(page, 'Förskola', y2).pressSequentially('31 000 000');
  await expect(difference(page, y2)).toHaveText('I balans');
  await cell(page, 'Förskola', y3).pressSequentially('31 500 000,01');
  await expect(difference(page, y3)).toHaveText(spaced('0,01 kr över ramen'));
  await expect(page.getByTestId(`sum-${y3}`)).toHaveText(spaced('104 000 000,01 kr'));
  expect(requests, 'no request while typing').toEqual([]);

  // "1,234" is an amount to the app (comma is the decimal sign) and the API refuses its precision: the
  // refusal lands on that cell (lines.N.amount), with the Swedish sentence and the API's own words.
  await cell(page, 'Förskola', y2).fill('1,234');
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  const bad = cell(page, 'Förskola', y2);
  await expect(bad).toHaveAttribute('aria-invalid', 'true');
  await expect(bad).toHaveAccessibleDescription(/högst två decimaler.*Svar från vsm: amount has more than two decimals/);
  await expect(page.getByRole('heading', { name: 'Rätta följande' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Förskola \d{4}: Beloppet får ha högst två decimaler/ })).toHaveAttribute(
    'href',
    /#plan-cell-/,
  );
  expect(requests.some((body) => body.includes('"1.234"')), 'the amount went to the API as 1.234').toBe(true);
  await expect(cell(page, 'Grundskola', y2)).not.toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await expectNoRawJson(page);

  // "Lämna in" saves first, then the API refuses the unbalanced plan: its refusal beside the budget,
  // each year's difference in that year's column, and its message verbatim.
  await bad.fill('31 000 000');
  await page.getByRole('button', { name: 'Lämna in' }).click();
  const refusal = page.getByTestId('plan-refusal');
  await expect(refusal).toContainText('internbudgeten stämmer inte med ramen');
  await expect(refusal).toContainText('Svar från vsm: the internbudget does not add up to the frame');
  await expect(refusal).toContainText(`${y3}: +0.01`);
  await expect(page.getByTestId(`refused-${y3}`)).toHaveText(spaced('0,01 kr över ramen'));
  await expect(page.getByTestId(`refused-${y1}`)).toHaveText('I balans');
  await expect(page.getByTestId(`refused-${y2}`)).toHaveText('I balans');
  await expect(difference(page, y3)).toHaveText(spaced('0,01 kr över ramen'));
  await expect(page.getByTestId('plan-state')).toHaveText('Utkast');
  await expect(bad).not.toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await expectNoRawJson(page);
  await shoot(page, 'verksamhetsplan-obalanserad');
  await expectFitsTablet(page);

  // The saved lines came back from the API: a reload shows them.
  await page.reload();
  await expect(cell(page, 'Förskola', y3)).toHaveValue(spaced('31 500 000,01'));
  await expect(difference(page, y3)).toHaveText(spaced('0,01 kr över ramen'));

  await cell(page, 'Förskola', y3).fill('31 500 000');
  await expect(difference(page, y3)).toHaveText('I balans');
  await page.getByRole('button', { name: 'Lämna in' }).click();
  await expect(page.getByTestId('plan-state')).toHaveText('Inlämnad');
  await expect(page.getByRole('button', { name: 'Lämna in' })).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('plan-state')).toHaveText('Inlämnad');
  for (const y of years) await expect(difference(page, y)).toHaveText('I balans');
  await expectAccessible(page);
  await expectNoRawJson(page);
});

test("a reader sees BUN's adopted 2027 plan and cannot change it", async ({ page }) => {
  const { demo } = data;
  await signInAs(page, 'reader');
  await page.goto(`${base}/verksamhetsplan/${demo.code}?budgetar=${demo.year}`);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Verksamhetsplan ${demo.year} – ${demo.name}`);
  await expect(page.getByTestId('plan-state')).toHaveText('Antagen');
  await expect(page.getByTestId('plan-adopted')).toContainText(demo.paragraph);
  const budget = page.getByRole('region', { name: /Internbudget per verksamhet och år/ });
  for (const activity of demo.activities) {
    await expect(budget.getByRole('rowheader', { name: activity, exact: true })).toBeVisible();
  }
  const [f1, f2, f3] = demo.frames;
  for (const [i, frame] of [f1, f2, f3].entries()) {
    const year = demo.year + i;
    await expect(page.getByTestId(`frame-${year}`)).toHaveText(spaced(`${kr(frame)} kr`));
    await expect(difference(page, year)).toHaveText('I balans');
  }
  await expect(page.getByText('Du kan läsa planen men inte ändra den.')).toBeVisible();
  await expect(budget.getByRole('textbox')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Lämna in' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Spara', exact: true })).toHaveCount(0);
  await expectAccessible(page);
  await expectNoRawJson(page);
  // The screenshot starts at the plan's state, so the internbudget with its balance is in the picture.
  await page.locator('section[aria-labelledby="plan-state-heading"]').evaluate((el) => el.scrollIntoView());
  await shoot(page, 'verksamhetsplan');
  await expectFitsTablet(page);

  // The view's texts in English, the API's data as written.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Operational plan ${demo.year} – ${demo.name}`);
  await expect(page.getByTestId('plan-state')).toHaveText('Adopted');
  await expect(difference(page, demo.year)).toHaveText('Balanced');
  await expect(page.getByText('You can read the plan but not change it.')).toBeVisible();
  await expectAccessible(page);
});
