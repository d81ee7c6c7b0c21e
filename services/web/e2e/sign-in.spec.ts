// Sign-in (design section 4, test table in section 10): the development chooser by keyboard, the dev
// issuer's refusal at "Organisation", the header naming the organisation from Query.viewer, signing out,
// an expired session back at the chooser, and the language choice kept over a reload.
import { expect, test } from '@playwright/test';
import { e2eData, expectAccessible, expectFitsTablet, expectNoRawJson, shoot } from './support';

interface SignInData {
  committee: { code: string; name: string };
}

const data = e2eData<SignInData>();
const { committee } = data;

test('a nämnd signs in by keyboard, is refused without an organisation, and signs out', async ({ page }) => {
  await page.goto('/logga-in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logga in');
  await expect(page).toHaveTitle('Logga in – vsm');
  const organisation = page.getByLabel('Organisation', { exact: true });

  // Roles are a radio group: arrow keys move the choice. Planeringsavdelningen is first, Nämnd second.
  const planner = page.getByRole('radio', { name: /Planeringsavdelningen/ });
  await planner.focus();
  await page.keyboard.press('Space');
  await expect(planner).toBeChecked();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: /Nämnd eller bolag/ })).toBeChecked();
  await expect(organisation).toBeEnabled(); // the organisations came from the API
  await expect(organisation.locator('option', { hasText: `${committee.name} (${committee.code})` })).toHaveCount(1);
  await expectAccessible(page);
  await expectFitsTablet(page);
  await shoot(page, 'logga-in');

  // Without an organisation the dev issuer refuses (400, field "org"): shown at "Organisation".
  await page.keyboard.press('Tab');
  await expect(organisation).toBeFocused();
  await page.getByRole('button', { name: 'Logga in', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(organisation).toHaveAttribute('aria-invalid', 'true');
  const errorId = `${await organisation.getAttribute('id')}-error`;
  await expect(organisation).toHaveAttribute('aria-describedby', new RegExp(`(^| )${errorId}$`));
  const message = page.locator(`[id="${errorId}"]`);
  await expect(message).toContainText('Välj en organisation för rollen.');
  await expect(message).toContainText('needs an organisation'); // the endpoint's own reason, verbatim
  await expect(page.getByRole('heading', { name: 'Rätta följande' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('vsm.session'))).toBeNull();
  await expectAccessible(page);
  await expectNoRawJson(page);

  // Choose the nämnd and sign in with Enter: home for a committee is its follow-up.
  await organisation.focus();
  await organisation.selectOption({ label: `${committee.name} (${committee.code})` });
  await page.getByRole('button', { name: 'Logga in', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/uppfoljning/${committee.code}$`));
  // The header names the organisation as the API's viewer does, not as the chooser sent it.
  const banner = page.getByRole('banner');
  await expect(banner).toContainText('Nämnd eller bolag');
  await expect(banner).toContainText(`${committee.name} (${committee.code})`);
  await expectNoRawJson(page);

  // Signing out ends the tab's session: views send the user back to the chooser.
  await banner.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page).toHaveURL(/\/logga-in$/);
  expect(await page.evaluate(() => sessionStorage.getItem('vsm.session'))).toBeNull();
  await page.goto('/mal');
  await expect(page).toHaveURL(/\/logga-in\?tillbaka=%2Fmal$/);
  await expect(page.getByRole('button', { name: 'Logga ut' })).toHaveCount(0);
});

test('an employee signs in with a medarbetarreferens and lands on their medarbetarmål', async ({ page }) => {
  await page.goto('/logga-in?tillbaka=%2Fmedarbetarmal');
  await page.getByRole('radio', { name: /Medarbetare/ }).check();
  await page.getByLabel('Medarbetarreferens').fill('web-e2e-anna');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
  await expect(page).toHaveURL(/\/medarbetarmal$/);
  await expect(page.getByRole('banner')).toContainText('Medarbetare');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mina medarbetarmål');
  await expectNoRawJson(page);
});

test('an expired or refused token returns to the chooser with the reason', async ({ page }) => {
  // A token no front door accepts, as an expired one is: the API's refusal clears the session.
  await page.addInitScript(() => {
    if (sessionStorage.getItem('vsm.e2e.seeded') === null) {
      sessionStorage.setItem('vsm.e2e.seeded', '1');
      const token = 'eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl';
      sessionStorage.setItem('vsm.session', JSON.stringify({ token, mode: 'development' }));
    }
  });
  await page.goto('/mal');
  await expect(page).toHaveURL(/\/logga-in\?orsak=utgangen$/);
  await expect(page.getByRole('status').filter({ hasText: 'Din inloggning har gått ut' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('vsm.session'))).toBeNull();
  await expectAccessible(page);
  await expectNoRawJson(page);
});

test('English is available and the choice survives a reload', async ({ page }) => {
  await page.goto('/logga-in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.getByRole('radio', { name: /Committee or company/ })).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logga in');
});
