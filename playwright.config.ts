import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the real backend and app (`yarn start`), driven in Debian's
 * Chromium through Playwright. Playwright's own browser downloads are not used.
 * CHROMIUM_PATH overrides the browser (default /usr/bin/chromium).
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [
    ['list'],
    ['json', { outputFile: 'node_modules/.cache/e2e-results.json' }],
  ],
  webServer: {
    // The sandbox fleet, then backend on :7007 (SQLite in memory, the repository's
    // catalog, the fleet's clusters) and app on :3000.
    command: 'bash scripts/start.sh',
    url: 'http://localhost:3000',
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  use: {
    baseURL: 'http://localhost:3000',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  outputDir: 'node_modules/.cache/e2e-test-results',
});
