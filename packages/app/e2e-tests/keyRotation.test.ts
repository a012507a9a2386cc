import { test, expect } from '@playwright/test';
import { signIn } from './session';

/** One of the sandbox's tenants (content-service's key service seeds it). */
const TENANT = 'koala-training';

test("an emergency rotation of a tenant's signing key runs only once another person approves it", async ({
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  // chen.content: the content team, which owns content-bundler.
  const requesterContext = await browser.newContext();
  const requester = await requesterContext.newPage();
  await signIn(requester, 'chen.content');
  await requester.goto(
    '/catalog/default/component/content-bundler/signing-keys',
  );

  const table = requester.getByRole('table', {
    name: 'signing keys per tenant',
  });
  await expect(table).toBeVisible({ timeout: 60_000 });
  await requester.getByLabel('Search tenant or kid').fill(TENANT);
  const row = table.getByRole('row', { name: new RegExp(TENANT) });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  const kidBefore = (await row.getByRole('cell').nth(2).innerText()).trim();

  await row.getByRole('button', { name: `rotate ${TENANT}` }).click();
  const dialog = requester.getByRole('dialog');
  await dialog.getByLabel(/^Emergency/).check();
  await dialog
    .getByLabel(/Reason/)
    .fill('End-to-end test: the signing key of koala-training leaked');
  // An emergency needs the incident it answers.
  await dialog
    .getByLabel(/Incident link/)
    .fill('https://incidents.example.com/INC-4242');
  await dialog.getByRole('button', { name: 'Ask for approval' }).click();
  await expect(dialog).not.toBeVisible();

  const rotation = requester.getByRole('region', {
    name: /^rotation [0-9a-f-]{36}$/,
  });
  const approvals = rotation.getByRole('region', { name: 'approvals' });
  await expect(approvals).toContainText('Awaiting approval: 0 of 1', {
    timeout: 30_000,
  });
  await expect(approvals).toContainText('You asked for this operation');
  await expect(approvals.getByRole('button', { name: 'Approve' })).toHaveCount(
    0,
  );

  // sam.oncall (platform on-call), in another browser context, approves it.
  const approverContext = await browser.newContext();
  const approver = await approverContext.newPage();
  await signIn(approver, 'sam.oncall');
  await approver.goto(
    '/catalog/default/component/content-bundler/signing-keys',
  );
  const pending = approver
    .getByRole('region', { name: /^rotation [0-9a-f-]{36}$/ })
    .getByRole('region', { name: 'approvals' });
  await expect(pending).toContainText('Awaiting approval: 0 of 1', {
    timeout: 60_000,
  });
  await pending.getByRole('button', { name: 'Approve' }).click();

  // The requester's page follows: the new key in every region, active, the old one revoked.
  await expect(rotation).toContainText(
    "Every region's JWKS has the new key, it signs",
    { timeout: 180_000 },
  );
  await expect(approvals).toContainText(
    /Approved \(1 of 1\)[\s\S]*sam\.oncall/,
  );
  await requester.screenshot({
    path: testInfo.outputPath('key-rotation-done.png'),
    fullPage: true,
  });
  await requester.reload();
  await requester.getByLabel('Search tenant or kid').fill(TENANT);
  const after = requester
    .getByRole('table', { name: 'signing keys per tenant' })
    .getByRole('row', { name: new RegExp(TENANT) });
  await expect(after).toHaveCount(1, { timeout: 60_000 });
  await expect(after.getByRole('cell').nth(2)).not.toHaveText(kidBefore);
  await requesterContext.close();
  await approverContext.close();
});
