import { test, expect, Page } from '@playwright/test';
import { signIn } from './session';
import { mergePatch } from './sandbox';

/** The region released: us is left alone by the other end-to-end tests. */
const REGION = 'us';
const ROLLOUT =
  '/apis/argoproj.io/v1alpha1/namespaces/content/rollouts/content-api';

/** Confirms the open rollout dialog with the typed name and a reason. */
async function confirmAction(page: Page, label: string, reason: string) {
  const dialog = page.getByRole('dialog');
  const confirm = dialog.getByRole('button', { name: label, exact: true });
  // The preview comes from the backend's fresh read of the region.
  await expect(
    dialog.getByRole('list', { name: 'what each region gets' }),
  ).toContainText(`${REGION}:`, { timeout: 30_000 });
  await dialog.getByLabel(/Type content-api to confirm/).fill('content-api');
  await dialog.getByLabel(/Reason/).fill(reason);
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(dialog).not.toBeVisible();
}

test("a release manager moves content-api's canary a step, then fully once a second person approves", async ({
  browser,
}, testInfo) => {
  test.setTimeout(420_000);
  // A new version in us (what `kubectl argo rollouts set image` would do): the emulator's
  // Argo controller starts a canary at 10% and pauses.
  expect(
    await mergePatch(REGION, ROLLOUT, {
      spec: {
        template: {
          metadata: {
            annotations: { 'service-ops.e2e/release': String(Date.now()) },
          },
        },
      },
    }),
  ).toBe(200);

  // priya.content: content team (owns content-api) and release managers.
  const requesterContext = await browser.newContext();
  const requester = await requesterContext.newPage();
  await signIn(requester, 'priya.content');
  await requester.goto('/catalog/default/component/content-api/actions');
  const region = requester.getByRole('region', {
    name: `rollout in ${REGION}`,
  });
  await expect(region).toContainText('canary weight 10%', { timeout: 90_000 });

  const promote = region.getByRole('button', { name: `Promote in ${REGION}` });
  await expect(promote).toBeEnabled({ timeout: 90_000 });
  await promote.click();
  await confirmAction(
    requester,
    'Promote',
    'End-to-end test: the 10% canary of us looks healthy',
  );
  const promotion = requester.getByRole('region', {
    name: /^promote [0-9a-f-]{36}$/,
  });
  await expect(promotion).toContainText(
    'Every region reached its next step healthy.',
    { timeout: 180_000 },
  );
  await expect(region).toContainText('canary weight 50%', { timeout: 60_000 });

  // Promote fully skips the remaining steps: it waits for a second person.
  const full = region.getByRole('button', {
    name: `Promote fully in ${REGION}`,
  });
  await expect(full).toBeEnabled({ timeout: 90_000 });
  await full.click();
  await confirmAction(
    requester,
    'Promote fully',
    'End-to-end test: 50% of us is healthy, finish the release',
  );
  const fullPromotion = requester.getByRole('region', {
    name: /^full promote [0-9a-f-]{36}$/,
  });
  const approvals = fullPromotion.getByRole('region', { name: 'approvals' });
  await expect(approvals).toContainText('Awaiting approval: 0 of 1');
  await expect(approvals).toContainText('You asked for this operation');
  await expect(approvals.getByRole('button', { name: 'Approve' })).toHaveCount(
    0,
  );
  await requester.screenshot({
    path: testInfo.outputPath('rollout-awaiting-approval.png'),
    fullPage: true,
  });

  // sam.oncall, in another browser context, approves it.
  const approverContext = await browser.newContext();
  const approver = await approverContext.newPage();
  await signIn(approver, 'sam.oncall');
  await approver.goto('/catalog/default/component/content-api/actions');
  const pending = approver
    .getByRole('region', { name: /^full promote [0-9a-f-]{36}$/ })
    .getByRole('region', { name: 'approvals' });
  await expect(pending).toContainText('Awaiting approval: 0 of 1', {
    timeout: 60_000,
  });
  await pending
    .getByLabel('Comment (optional)')
    .fill('End-to-end test: checked the canary');
  await pending.getByRole('button', { name: 'Approve' }).click();

  // The requester's page follows without a reload.
  await expect(fullPromotion).toContainText(
    'Every region runs the new version as stable.',
    { timeout: 180_000 },
  );
  await expect(
    fullPromotion.getByRole('region', { name: 'approvals' }),
  ).toContainText(/Approved \(1 of 1\)[\s\S]*sam\.oncall approved/);
  await requester.screenshot({
    path: testInfo.outputPath('rollout-promoted.png'),
    fullPage: true,
  });
  await requesterContext.close();
  await approverContext.close();
});
