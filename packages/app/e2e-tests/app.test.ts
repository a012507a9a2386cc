import { test, expect, Page } from '@playwright/test';
import { signIn } from './session';

/** The names listed in the entity page's "Has subcomponents" card. */
async function subcomponents(page: Page, service: string, expected: number) {
  await page.goto(`/catalog/default/component/${service}`);
  const card = page
    .locator('article')
    .filter({ has: page.getByRole('heading', { name: 'Has subcomponents' }) });
  const names = card.getByRole('rowheader');
  await expect(names).toHaveCount(expected, { timeout: 60_000 });
  return (await names.allInnerTexts()).map(t => t.trim()).sort();
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("authoring-service's page lists its four containers", async ({ page }) => {
  expect(await subcomponents(page, 'authoring-service', 4)).toEqual([
    'authoring-ai-worker',
    'authoring-api',
    'authoring-collab',
    'authoring-worker',
  ]);
  const declared = page.getByRole('table', { name: 'containers as declared' });
  await expect(
    declared.getByRole('row', { name: /authoring-api/ }),
  ).toContainText('3–30');
  await expect(
    declared.getByRole('row', { name: /authoring-api/ }),
  ).toContainText('CPU > 60% of request or active-editors > 100 per pod');
});

test("content-service's page lists its six containers", async ({ page }) => {
  expect(await subcomponents(page, 'content-service', 6)).toEqual([
    'content-api',
    'content-builder',
    'content-bundler',
    'content-exporter',
    'content-outbox-relay',
    'content-scorm-importer',
  ]);
});

test("the catalog graph shows authoring-service's dependencies", async ({
  page,
}) => {
  await page.goto(
    '/catalog-graph?rootEntityRefs%5B%5D=component%3Adefault%2Fauthoring-service&maxDepth=1&unidirectional=true&mergeRelations=true&direction=LR',
  );
  const graph = page
    .locator('svg')
    .filter({ hasText: 'authoring-service' })
    .first();
  for (const dependency of [
    'media-service',
    'ai-gateway',
    'catalog-service',
    'content-service',
    'nats-jetstream',
    'Redis (per region) (authoring-service)',
    'Postgres pgbouncer (authoring-service)',
  ]) {
    await expect(
      graph.getByText(dependency, { exact: true }).first(),
    ).toBeVisible();
  }
});

test("a container's page shows its declared scaling and resources", async ({
  page,
}) => {
  await page.goto('/catalog/default/component/authoring-collab');
  await expect(page.getByText('Declared deployment')).toBeVisible();
  await expect(
    page.getByText('2 to 20 replicas, scaling out when'),
  ).toBeVisible();
  await expect(
    page.getByText('active WS connections > 500 per pod'),
  ).toBeVisible();
  await expect(page.getByText('4Gi (4 GiB)')).toBeVisible();
  await expect(page.getByText('Note: Yjs docs in memory')).toBeVisible();
});

test("the Kubernetes tab shows authoring-service's pods in all four regions", async ({
  page,
}) => {
  await page.goto('/catalog/default/component/authoring-service/kubernetes');
  for (const region of ['us', 'eu', 'me', 'ap']) {
    const cluster = page
      .locator('.MuiAccordion-root, [class*="Accordion"]')
      .filter({ has: page.getByText(region, { exact: true }) })
      .first();
    await expect(cluster).toContainText(/\d+ pods/, { timeout: 60_000 });
  }
});

test('the Kubernetes backend returns authoring-api pods and HPA from every cluster', async ({
  request,
}) => {
  const refresh = await request.get(
    'http://localhost:7007/api/auth/guest/refresh',
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  const token = (await refresh.json()).backstageIdentity.token;
  const response = await request.post(
    'http://localhost:7007/api/kubernetes/services/authoring-api',
    {
      headers: { Authorization: `Bearer ${token}` },
      data: {
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'authoring-api', namespace: 'default' },
        },
      },
    },
  );
  expect(response.status()).toBe(200);
  const { items } = await response.json();
  expect(items.map((i: any) => i.cluster.name).sort()).toEqual([
    'ap',
    'eu',
    'me',
    'us',
  ]);
  for (const item of items) {
    expect(item.errors).toEqual([]);
    const pods = item.resources.find((r: any) => r.type === 'pods').resources;
    expect(pods.length).toBeGreaterThanOrEqual(3);
    const hpas = item.resources.find(
      (r: any) => r.type === 'horizontalpodautoscalers',
    ).resources;
    expect(hpas.map((h: any) => h.metadata.name)).toEqual(['authoring-api']);
    expect(item.podMetrics.length).toBe(
      pods.filter((p: any) => p.status.phase === 'Running').length,
    );
  }
});
