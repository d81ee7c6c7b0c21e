// The vision and målstruktur view (design section 6.1), driven by tests/web/test_goal_tree.py, which makes
// the data through the API and passes what the API answers in VSM_E2E_DATA.
import { expect, type Locator, type Page, test } from '@playwright/test';
import { e2eData, expectAccessible, expectFitsTablet, expectNoRawJson, shoot, signInAs } from './support';

interface DecisionData {
  date: string;
  paragraph: string;
  diaryNumber: string;
}

interface GoalTreeData {
  retired: {
    id: string;
    firstTitle: string;
    revisedTitle: string;
    theme: string;
    decisions: DecisionData[];
  };
  demo: { overarching: string; programme: string; concrete: string; operational: string[] };
  inForce: { date: string; ids: string[] };
  today: { ids: string[] };
  refusedDate: { date: string; rule: string; message: string };
}

const data = e2eData<GoalTreeData>();

/** The app's own date format (Swedish, long, the date itself without a time zone shift). */
function longDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}

function status(page: Page): Locator {
  return page.getByTestId('struktur-status');
}

async function shownToday(page: Page): Promise<void> {
  await expect(status(page)).toContainText('Visar de antagna målen i dag.');
}

async function shownOn(page: Page, iso: string): Promise<void> {
  await expect(status(page)).toContainText(`Visar målen som gällde den ${longDate(iso)}.`);
}

/** Every goal the tree holds (collapsed ones too), once each. */
async function goalIds(page: Page): Promise<string[]> {
  const ids = await page.locator('[data-goal-id]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-goal-id') ?? ''));
  return [...new Set(ids)].sort();
}

function toggleOf(page: Page, title: string): Locator {
  return page.getByRole('button', { name: `Underordnade mål till ”${title}”` });
}

async function expandByKeyboard(page: Page, title: string, key: 'Enter' | 'Space'): Promise<Locator> {
  const toggle = toggleOf(page, title);
  await toggle.focus();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press(key);
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const controlled = await toggle.getAttribute('aria-controls');
  expect(controlled).toBeTruthy();
  const children = page.locator(`[id="${controlled}"]`);
  await expect(children).toBeVisible();
  return children;
}

async function checkViewState(page: Page): Promise<void> {
  await expectAccessible(page);
  await expectNoRawJson(page);
  await expectFitsTablet(page);
}

test.beforeEach(async ({ page }) => {
  await signInAs(page, 'reader');
});

test('today: the vision and the demo path down to its verksamhetsmål, by keyboard', async ({ page }) => {
  await page.goto('/mal');
  await expect(page.getByRole('heading', { level: 1, name: 'Vision och målstruktur' })).toBeVisible();
  await shownToday(page);
  await expect(page.getByRole('heading', { level: 2, name: 'Halmstad 2020' })).toBeVisible();
  await expect(page.getByLabel('Visa målstrukturen som den gällde den')).toHaveValue('');
  expect(await goalIds(page)).toEqual([...new Set(data.today.ids)].sort());

  const programmes = await expandByKeyboard(page, data.demo.overarching, 'Enter');
  await expect(programmes.getByRole('link', { name: data.demo.programme, exact: true })).toBeVisible();
  // The goal's title follows its disclosure button in the tab order.
  await toggleOf(page, data.demo.overarching).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: data.demo.overarching, exact: true })).toBeFocused();

  const concrete = await expandByKeyboard(page, data.demo.programme, 'Space');
  await expect(concrete.getByRole('link', { name: data.demo.concrete, exact: true })).toBeVisible();
  const operational = await expandByKeyboard(page, data.demo.concrete, 'Enter');
  await expect(operational.getByRole('link')).toHaveCount(data.demo.operational.length);
  expect((await operational.getByRole('link').allTextContents()).sort()).toEqual([...data.demo.operational].sort());

  // Choosing the konkretiserat mål by keyboard opens its panel and moves focus to it.
  await page.getByRole('link', { name: data.demo.concrete, exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]mal=/);
  const detail = page.getByTestId('mal-detalj');
  await expect(detail.getByRole('heading', { level: 2, name: data.demo.concrete })).toBeFocused();
  await expect(detail).toContainText('Konkretiserat mål');
  await expect(page.getByRole('link', { name: data.demo.concrete, exact: true })).toHaveAttribute('aria-current', 'true');

  await expectAccessible(page);
  await expectNoRawJson(page);
  await shoot(page, 'malstruktur');
  await expectFitsTablet(page);
});

test('the date picker shows the structure in force on the date chosen', async ({ page }) => {
  const { id, firstTitle, revisedTitle, theme } = data.retired;
  const node = page.locator(`[data-goal-id="${id}"]`);

  await page.goto('/mal?per=2022-01-01');
  await shownOn(page, '2022-01-01');
  await expect(page.getByLabel('Visa målstrukturen som den gällde den')).toHaveValue('2022-01-01');
  const themeRegion = page.getByRole('region', { name: theme, exact: true });
  await expect(themeRegion.getByRole('link', { name: firstTitle, exact: true })).toBeVisible();
  await expect(page.getByText(revisedTitle)).toHaveCount(0);
  await checkViewState(page);

  await page.getByLabel('Visa målstrukturen som den gällde den').fill('2025-01-01');
  await expect(page).toHaveURL(/[?&]per=2025-01-01/);
  await shownOn(page, '2025-01-01');
  await expect(themeRegion.getByRole('link', { name: revisedTitle, exact: true })).toBeVisible();
  await expect(page.getByText(firstTitle)).toHaveCount(0);

  await page.getByLabel('Visa målstrukturen som den gällde den').fill('2025-07-01');
  await shownOn(page, '2025-07-01');
  await expect(node).toHaveCount(0);
  await checkViewState(page);

  await page.getByLabel('Visa målstrukturen som den gällde den').fill(data.inForce.date);
  await shownOn(page, data.inForce.date);
  expect(await goalIds(page)).toEqual([...new Set(data.inForce.ids)].sort());
  await checkViewState(page);

  await page.getByRole('button', { name: 'Visa i dag' }).click();
  await shownToday(page);
  await expect(page).not.toHaveURL(/[?&]per=/);
});

test("a goal's revisions and decisions, also those taken after the date shown", async ({ page }) => {
  const { id, firstTitle, revisedTitle, decisions } = data.retired;
  await page.goto(`/mal?per=2025-01-01&mal=${id}`);
  await shownOn(page, '2025-01-01');
  const detail = page.getByTestId('mal-detalj');
  await expect(detail.getByRole('heading', { level: 2, name: revisedTitle, exact: true })).toBeVisible();
  await expect(detail).toContainText('Antaget');

  const revisions = detail.getByTestId('mal-revisioner').getByRole('listitem');
  await expect(revisions).toHaveCount(2);
  await expect(revisions.nth(0)).toContainText(`Revision 1: ${firstTitle}`);
  await expect(revisions.nth(1)).toContainText(`Revision 2: ${revisedTitle}`);

  const rows = detail.getByTestId('mal-beslut').locator('tbody tr');
  await expect(rows).toHaveCount(decisions.length);
  const effects = ['Antagande', 'Revision 2', 'Avveckling'];
  for (const [i, decision] of decisions.entries()) {
    const row = rows.nth(i);
    await expect(row.getByRole('rowheader')).toContainText(longDate(decision.date));
    await expect(row).toContainText(effects[i] ?? '');
    await expect(row).toContainText('Kommunfullmäktige');
    await expect(row).toContainText(decision.paragraph);
    await expect(row).toContainText(decision.diaryNumber);
    // Only the retirement (2025-06-01) was decided after the date shown.
    if (decision.date > '2025-01-01') await expect(row).toContainText('beslutad senare');
    else await expect(row).not.toContainText('beslutad senare');
  }
  await checkViewState(page);

  // On a date after the retirement the goal is not in the structure, and the panel says so.
  await page.goto(`/mal?per=2025-07-01&mal=${id}`);
  await shownOn(page, '2025-07-01');
  await expect(page.getByTestId('mal-detalj')).toContainText(`Målet gällde inte den ${longDate('2025-07-01')}`);
  await expect(page.getByTestId('mal-detalj')).toContainText('Avvecklat');
  await checkViewState(page);
});

test("the API's refusal of a date is shown at the date picker", async ({ page }) => {
  await page.goto(`/mal?per=${data.refusedDate.date}`);
  const picker = page.getByLabel('Visa målstrukturen som den gällde den');
  await expect(picker).toHaveAttribute('aria-invalid', 'true');
  await expect(picker).toHaveAccessibleDescription(/Välj ett datum från 1 januari 1900 till 31 december 2199\./);
  await expect(picker).toHaveAccessibleDescription(new RegExp(`Svar från vsm: ${escapeRegExp(data.refusedDate.message)}`));
  await expect(page.getByTestId('struktur-status')).not.toContainText('Visar');
  await checkViewState(page);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
