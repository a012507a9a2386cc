import { test, expect } from '@playwright/test';
import { signIn } from './session';

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("content-service's Backlog & sagas tab shows the sandbox's real NATS figures and its publish sagas", async ({
  page,
}) => {
  await page.goto('/catalog/default/component/content-service/backlog');
  await expect(page.getByText(/^NATS connected/)).toBeVisible({
    timeout: 60_000,
  });
  const consumers = page.getByRole('table', { name: 'consumers' });
  // One work queue per region for each queue-driven container (docs/sandbox.md).
  await expect(
    consumers.getByRole('row', { name: /content-builder-queue-depth-eu/ }),
  ).toContainText('queue depth > 50');
  await expect(
    consumers.getByRole('row', {
      name: /content-outbox-relay-outbox-backlog-ap/,
    }),
  ).toContainText('outbox backlog > 5000');

  // The sandbox starts a saga every few seconds: the list fills, and a saga opens its timeline.
  const sagas = page.getByRole('table', { name: 'publish sagas' });
  const show = sagas.getByRole('button', { name: /^show saga / }).first();
  await expect(show).toBeVisible({ timeout: 60_000 });
  const id = (await show.getAttribute('aria-label'))!.replace('show saga ', '');
  await show.click();
  // Every saga starts with the draft's publication.
  await expect(
    page
      .getByRole('region', { name: `saga ${id}` })
      .getByText('draft-published'),
  ).toBeVisible();
});
