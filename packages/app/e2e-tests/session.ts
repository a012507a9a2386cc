import { expect, Page } from '@playwright/test';

/**
 * Signs in through the sandbox sign-in page as one of the catalog's users (by default
 * dana.author of the authoring team) and waits for the sidebar's Catalog link.
 */
export async function signIn(page: Page, user = 'dana.author') {
  await page.goto('/');
  const pick = page.getByRole('button', { name: `Sign in as ${user}` });
  await expect(pick).toBeVisible({ timeout: 60_000 });
  await pick.click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
    // The page keeps trying while the backend starts (503) for up to a minute.
  ).toBeVisible({ timeout: 120_000 });
}
