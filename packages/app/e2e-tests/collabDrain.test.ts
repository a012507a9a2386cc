import { test, expect } from '@playwright/test';
import { signIn } from './session';

/** The region drained: me is left alone by the other end-to-end tests. */
const REGION = 'me';

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("an owner drains authoring-collab's pods in one region from the Actions tab and sees every step succeed", async ({
  page,
}, testInfo) => {
  // A short notice, then one eviction at a time, each waiting for its replacement
  // to be Ready on the sandbox's accelerated clock, then the sessions check.
  test.setTimeout(420_000);
  await page.goto('/catalog/default/component/authoring-collab/actions');

  // The guest (dana.author) is in the authoring team, which owns authoring-collab.
  await expect(page.getByText('Drain collab pods')).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByText('You may not drain authoring-collab'),
  ).not.toBeVisible();

  await page
    .getByRole('group', { name: 'region to drain' })
    .getByRole('button', { name: REGION, exact: true })
    .click();
  const pods = page
    .getByRole('table', { name: 'pods in eviction order' })
    .getByRole('row');
  await expect(pods.nth(1)).toBeVisible({ timeout: 30_000 });
  await expect(
    page.getByText(/PodDisruptionBudget authoring-collab allows \d+/),
  ).toBeVisible();

  // The default notice (300 s) would make this a five-minute wait; operators may give
  // a shorter one, and the preview follows it.
  await page.getByLabel('Notice (seconds)').fill('5');
  const preview = page.getByRole('region', { name: 'drain preview' });
  await expect(preview).toContainText('a notice of 5 s');
  const podCount = (await pods.count()) - 1;
  expect(podCount).toBeGreaterThan(0);

  await page
    .getByRole('button', { name: `Drain ${podCount} pod(s) in ${REGION}…` })
    .click();
  const dialog = page.getByRole('dialog');
  const confirm = dialog.getByRole('button', { name: 'Drain', exact: true });
  await expect(confirm).toBeDisabled();
  await dialog
    .getByLabel(/Type authoring-collab to confirm/)
    .fill('authoring-collab');
  await dialog
    .getByLabel(/Reason/)
    .fill('End-to-end test: roll the collab pods of me with a short notice');
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(dialog).not.toBeVisible();

  // The drain is followed live on the page (signals, and a poll while it runs).
  const drain = page.getByRole('region', { name: /^drain [0-9a-f-]{36}$/ });
  await expect(drain).toBeVisible();
  await expect(drain).toContainText(`Drain of ${podCount} pod(s) in ${REGION}`);
  await expect(drain.getByRole('listitem')).toHaveCount(podCount + 3);
  await page.screenshot({
    path: testInfo.outputPath('collab-drain-running.png'),
    fullPage: true,
  });

  await expect(drain).toContainText(
    'Every pod was replaced and the sessions reconnected.',
    { timeout: 360_000 },
  );
  const steps = drain.getByRole('listitem');
  for (let i = 0; i < podCount + 3; i++) {
    await expect(steps.nth(i)).toHaveText(/^succeeded/);
  }
  await expect(
    drain.getByRole('progressbar', { name: 'drain progress' }),
  ).toHaveAttribute('aria-valuenow', '100');

  // The history lists it with who asked, where and why.
  const history = page.getByRole('table', { name: 'operations history' });
  const row = history.getByRole('row', {
    name: /End-to-end test: roll the collab pods of me/,
  });
  await expect(row.first().getByRole('cell')).toContainText([
    'dana.author',
    REGION,
    'succeeded',
  ]);
  await page.screenshot({
    path: testInfo.outputPath('collab-drain-succeeded.png'),
    fullPage: true,
  });
});

test('the Actions tab is on the containers with an action only: the collab drain and the rollouts', async ({
  page,
}) => {
  const tab = (name: string) =>
    page
      .getByRole('navigation', { name: 'Content navigation' })
      .getByRole('link', { name, exact: true });
  for (const container of [
    'authoring-collab',
    'authoring-api',
    'content-api',
  ]) {
    await page.goto(`/catalog/default/component/${container}`);
    await expect(tab('Actions')).toBeVisible({ timeout: 60_000 });
  }
  await page.goto('/catalog/default/component/authoring-worker');
  await expect(tab('Operations')).toBeVisible({ timeout: 60_000 });
  await expect(tab('Actions')).toHaveCount(0);
});
