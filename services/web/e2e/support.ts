import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

// Shared by every spec: sign-in by development token, the accessibility, tablet and raw-JSON checks,
// and the screenshots the README links. The pytest driver (tests/web/conftest.py) sets VSM_WEB_URL,
// VSM_E2E_DATA and VSM_SCREENSHOTS.

export type Role = 'planner' | 'committee' | 'manager' | 'employee' | 'reader';

export const LAPTOP = { width: 1366, height: 768 } as const;
export const TABLET = { width: 768, height: 1024 } as const;

/**
 * Signs the page in as `role` (with a nämnd/enhet code `org`, or an employee reference `sub`): a token
 * from the development issuer (POST /dev-issuer/token) put into sessionStorage before the app starts.
 * Seeded once per tab, so a spec that signs out stays signed out.
 */
export async function signInAs(page: Page, role: Role, opts: { org?: string; sub?: string } = {}): Promise<string> {
  const body: Record<string, string> = { role };
  if (opts.org !== undefined) body.org = opts.org;
  if (opts.sub !== undefined) body.sub = opts.sub;
  const response = await page.request.post('/dev-issuer/token', { data: body });
  expect(response.status(), `dev token for ${role}: ${await response.text()}`).toBe(200);
  const { access_token: token, expires_in: expiresIn } = (await response.json()) as {
    access_token: string;
    expires_in: number;
  };
  const session = {
    token,
    mode: 'development',
    expiresAt: Math.floor(Date.now() / 1000) + expiresIn,
    role,
    ...(opts.org !== undefined ? { org: opts.org } : {}),
  };
  await page.addInitScript((value: string) => {
    if (sessionStorage.getItem('vsm.e2e.seeded') === null) {
      sessionStorage.setItem('vsm.e2e.seeded', '1');
      sessionStorage.setItem('vsm.session', value);
    }
  }, JSON.stringify(session));
  return token;
}

/** axe-core with the WCAG 2.0/2.1 A and AA rules: zero violations, listed by rule and element if any. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help}\n` +
      violation.nodes.map((node) => `  ${node.target.join(' ')}: ${node.failureSummary ?? ''}`).join('\n'),
  );
  expect(violations, `axe violations on ${page.url()}`).toEqual([]);
}

/** A 1366×768 screenshot into $VSM_SCREENSHOTS (docs/screenshots/ under pytest) as `<name>.png`. */
export async function shoot(page: Page, name: string): Promise<string> {
  const directory = resolve(process.env.VSM_SCREENSHOTS ?? join('test-results', 'screenshots'));
  mkdirSync(directory, { recursive: true });
  await page.setViewportSize(LAPTOP);
  const path = join(directory, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}

/**
 * At 768×1024 nothing scrolls sideways and, when signed in, the "Meny" button opens and closes the nav.
 * Restores the laptop viewport afterwards.
 */
export async function expectFitsTablet(page: Page): Promise<void> {
  await page.setViewportSize(TABLET);
  try {
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), {
        message: `page scrolls sideways at 768 px: ${page.url()}`,
      })
      .toBeLessThanOrEqual(0);
    const menu = page.locator('button[aria-controls="huvudmeny"]');
    if ((await menu.count()) > 0) {
      const nav = page.locator('#huvudmeny');
      await expect(menu).toBeVisible();
      await expect(nav).toBeHidden();
      await menu.click();
      await expect(menu).toHaveAttribute('aria-expanded', 'true');
      await expect(nav).toBeVisible();
      await expect(nav.getByRole('link').first()).toBeVisible();
      await menu.click();
      await expect(nav).toBeHidden();
    }
  } finally {
    await page.setViewportSize(LAPTOP);
  }
}

/** No view shows an API response: nothing on screen looks like a JSON error body. */
export async function expectNoRawJson(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text, 'raw JSON error on screen').not.toContain('"extensions"');
  expect(text, 'raw JSON error on screen').not.toContain('{"errors"');
  expect(text, 'raw JSON error on screen').not.toContain('"errors":');
}

/** The data the spec's pytest fixture made, from $VSM_E2E_DATA. */
export function e2eData<T>(): T {
  const raw = process.env.VSM_E2E_DATA;
  if (!raw) throw new Error('VSM_E2E_DATA is not set: run the spec through its tests/web/test_<view>.py');
  return JSON.parse(raw) as T;
}
