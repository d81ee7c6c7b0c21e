import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a browser Playwright downloads (`npx playwright install` is not used):
// `make chromium` installs it, VSM_CHROMIUM points elsewhere if needed.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results',
  workers: 1,
  // A test that passes only on an idle machine is a bug (README), so no retries.
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.VSM_WEB_URL ?? 'http://127.0.0.1:4080',
    viewport: { width: 1366, height: 768 },
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    reducedMotion: 'reduce',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.VSM_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Chromium formats <input type="date"> by its own UI language, not by the context's locale.
        '--lang=sv-SE',
      ],
    },
  },
});
