import { test, expect, Page } from '@playwright/test';
import { signIn } from './session';
import { mergePatch } from './sandbox';

const SCALED_OBJECT =
  '/apis/keda.sh/v1alpha1/namespaces/content/scaledobjects/content-scorm-importer';

/** The text of a container's cell in a region's column of the replicas table. */
async function replicaCell(page: Page, container: string, region: string) {
  const table = page.getByRole('table', { name: 'replicas by region' });
  await expect(table).toBeVisible({ timeout: 60_000 });
  const headers = (await table.getByRole('columnheader').allInnerTexts()).map(
    h => h.trim(),
  );
  const column = headers.indexOf(region);
  expect(column).toBeGreaterThan(0);
  return table
    .getByRole('row', { name: new RegExp(`^${container}`) })
    .getByRole('cell')
    .nth(column - 1);
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("content-service's Operations tab shows every container in the four regions, and the drift", async ({
  page,
}) => {
  await page.goto('/catalog/default/component/content-service/operations');
  const table = page.getByRole('table', { name: 'replicas by region' });
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(table.getByRole('columnheader')).toHaveText([
    'Container',
    'us',
    'eu',
    'me',
    'ap',
  ]);
  // The sandbox's deliberate drift (docs/sandbox.md), as the backend finds it.
  await expect(
    page.getByText('us: content-debug-shell deployed but not declared'),
  ).toBeVisible();
  await expect(
    page.getByText('ap: content-exporter declared but not deployed'),
  ).toBeVisible();
});

test('a scale event in one region shows on the open page without a reload', async ({
  page,
}) => {
  await page.goto(
    '/catalog/default/component/content-scorm-importer/operations',
  );
  const eu = await replicaCell(page, 'content-scorm-importer', 'eu');
  await expect(eu).toContainText('ready');
  await expect(eu).not.toContainText('12/12 ready');

  let navigations = 0;
  page.on('framenavigated', frame => {
    if (frame === page.mainFrame()) navigations++;
  });
  try {
    // What an operator's `kubectl patch` would do: pin the importer at 12 in eu. The
    // emulator's KEDA and HPA controllers scale the Deployment; pods become ready.
    expect(
      await mergePatch('eu', SCALED_OBJECT, {
        spec: { minReplicaCount: 12, maxReplicaCount: 12 },
      }),
    ).toBe(200);
    await expect(eu).toContainText('12/12 ready', { timeout: 90_000 });
    expect(navigations).toBe(0);
  } finally {
    // Back to the document's 1–10 for the other tests and the demo.
    await mergePatch('eu', SCALED_OBJECT, {
      spec: { minReplicaCount: 1, maxReplicaCount: 10 },
    });
  }
});
