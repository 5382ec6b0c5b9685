import { test, expect, expectAccessible, signIn } from './fixtures';

test('create a service from an image, watch it go live, open its domain; a failing deploy keeps the old version; cancel; delete', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await page.goto('/envs/new');
  await page.getByLabel('Environment name').fill('e2e-deploy');
  await page.getByRole('radio', { name: /Guangzhou/ }).check();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page).toHaveURL(/\/envs\/e2e-deploy-[a-z0-9]{8}$/);
  await expect(page.getByRole('heading', { name: 'No services yet' })).toBeVisible();

  // The form, with the cost of both modes beside it.
  await page.getByRole('link', { name: 'Create service' }).click();
  await expect(page.getByRole('heading', { name: 'Create service' })).toBeVisible();
  await page.getByLabel('Service name').fill('2shop');
  await expect(page.getByText('Start with a letter.')).toBeVisible();
  await page.getByLabel('Service name').fill('shop');
  await page.getByLabel('Container image').fill('nginx:1.27');
  await expect(page.getByTestId('cost-low')).toContainText('17.5 core·min');
  await expect(page.getByTestId('cost-ha')).toContainText('min 1');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create and deploy' }).click();

  // Live progress: steps run one by one, the log streams, then the outcome.
  await expect(page).toHaveURL(/\/services\/shop\/tasks\/\d+$/);
  await expect(page.getByText('Running').first()).toBeVisible();
  await expect(page.getByTestId('deploy-outcome')).toContainText('Deployed: the new version is online', { timeout: 20_000 });
  await expect(page.locator('li[data-status="finished"]')).toHaveCount(5);
  await expect(page.getByRole('log')).toContainText('pulling nginx:1.27');
  await expectAccessible(page);

  // The service answers on its domain, from the version just deployed.
  await page.getByRole('link', { name: 'Go to the service' }).click();
  await expect(page.getByTestId('online-version')).toContainText('shop-001');
  await expect(page.getByTestId('instances')).toContainText('shop-001-');
  await page.getByRole('button', { name: 'Configuration shop-001' }).click();
  await expect(page.getByText('0.5 core / 1 GiB · port 80 · 0–50 instances')).toBeVisible();
  await expect(page.getByText('for testing only')).toBeVisible();
  await expectAccessible(page);
  const domain = await page.getByTestId('service-domain').getAttribute('href');
  const servicePage = page.url();
  await page.goto(domain!);
  await expect(page.locator('body')).toContainText('"version":"shop-001"');

  // A failing image: the failure is explained and the old version keeps serving.
  await page.goto(servicePage);
  await page.getByLabel('Container image').fill('localcloud/fail-health');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page.getByTestId('deploy-outcome')).toContainText('The deploy failed', { timeout: 20_000 });
  await expect(page.getByTestId('deploy-outcome')).toContainText('503');
  await expect(page.locator('li[data-status="failed"]')).toContainText('health check');
  await page.goto(domain!);
  await expect(page.locator('body')).toContainText('"version":"shop-001"');

  // Cancel: the version never goes online.
  await page.goto(servicePage);
  await page.getByLabel('Container image').fill('localcloud/slow-start');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page.getByText('Cancelling keeps the new version from ever going online')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel deploy' }).click();
  await expect(page.getByTestId('deploy-outcome')).toContainText('Cancelled: this version never went online', { timeout: 20_000 });
  await page.getByRole('link', { name: 'Go to the service' }).click();
  await expect(page.getByTestId('online-version')).toContainText('shop-001');
  await expect(page.getByRole('row', { name: /shop-003/ })).toContainText('Cancelled');

  // Delete, with type-the-name confirmation.
  const del = page.getByRole('button', { name: 'Delete service' });
  await expect(del).toBeDisabled();
  await page.getByLabel('Type the service name to confirm').fill('shop');
  await del.click();
  await expect(page.getByRole('heading', { name: 'No services yet' })).toBeVisible();
  await page.goto(domain!);
  await expect(page.locator('body')).toContainText('No service answers at');

  // The environment is empty again, so it can go too (R-ENV-6).
  await page.goto(servicePage.replace(/\/services\/shop$/, ''));
  const envId = page.url().split('/').pop()!;
  await page.getByLabel('Type the environment ID to confirm').fill(envId);
  await page.getByRole('button', { name: 'Delete environment' }).click();
  await expect(page).toHaveURL(/\/envs$/);
});

test('the two worked cost examples are reproduced exactly', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await page.goto('/cost');
  await expect(page.getByTestId('low-cost-usage')).toHaveText('35 core·min and 35 GiB·min');
  await expect(page.getByTestId('ha-usage')).toHaveText('50 core·min and 50 GiB·min');
  await expectAccessible(page);
});
