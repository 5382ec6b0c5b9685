import { test, expect, expectAccessible, signIn } from './fixtures';

test('create a service from an image, watch it go live, open its domain; a failing deploy keeps the old version; cancel; delete', async ({ page, watch }) => {
  // The deleted service's domain answers 404 at the end: that is the point there.
  watch.allow.push(/status of 404.*\.run\.localhost/);
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
  // The title names the version and the service; the banner links the domain.
  await expect(page).toHaveURL(/\/services\/shop\/tasks\/\d+$/);
  await expect(page.getByRole('heading', { name: 'Deploy of shop-001 · shop' })).toBeVisible();
  await expect(page.getByText('Running').first()).toBeVisible();
  const outcome = page.getByTestId('deploy-outcome');
  await expect(outcome).toContainText('Deployed: shop-001 is online with all the traffic.', { timeout: 20_000 });
  const domainLink = outcome.getByRole('link', { name: /^http:\/\/shop-e2e-deploy-[a-z0-9]{8}\.run\.localhost:\d+$/ });
  await expect(domainLink).toBeVisible();
  await expect(page.locator('li[data-status="finished"]')).toHaveCount(5);
  await expect(page.getByRole('log')).toContainText('pulling nginx:1.27');
  await expectAccessible(page);

  const bannerDomain = await domainLink.getAttribute('href');

  // The service answers on its domain, from the version just deployed.
  await page.getByRole('link', { name: 'Go to the service' }).click();
  await expect(page.getByTestId('online-version')).toContainText('shop-001');
  await expect(page.getByTestId('instances')).toContainText('shop-001-');
  // The version's frozen configuration is asked for when opened (R-VER-3).
  const configAsked = page.waitForRequest((r) => r.url().endsWith('/DescribeVersionDetail'));
  await page.getByRole('button', { name: 'Configuration shop-001' }).click();
  await configAsked;
  const config = page.getByTestId('version-config');
  await expect(config).toContainText('0.5 core / 1 GiB · port 80 · 0–50 instances');
  await expect(config).toContainText('Frozen when this version was created');
  await expect(config).not.toContainText('Loading');
  await expect(page.getByRole('button', { name: 'Configuration shop-001' })).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByText('for testing only')).toBeVisible();
  await expectAccessible(page);
  const domain = await page.getByTestId('service-domain').getAttribute('href');
  expect(bannerDomain).toBe(domain);
  const servicePage = page.url();
  await page.goto(domain!);
  await expect(page.locator('body')).toContainText('"version":"shop-001"');

  // The list says what the last deploy did: it is deployed, not "running".
  await page.goto(servicePage.replace(/\/services\/shop$/, ''));
  const listed = page.getByTestId('services').getByRole('row', { name: /shop/ });
  await expect(listed).toContainText('Deployed');
  await expect(listed).not.toContainText('Running');
  await expect(listed).toContainText('shop-001 100%');

  // A failing image: the failure is explained and the old version, named, keeps serving.
  await page.goto(servicePage);
  await page.getByLabel('Container image').fill('localcloud/fail-health');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Deploy of shop-002 · shop' })).toBeVisible();
  await expect(page.getByTestId('deploy-outcome')).toContainText(
    'The deploy failed. shop-001, the version online before, keeps serving, untouched.',
    { timeout: 20_000 },
  );
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
  await expect(page.getByTestId('deploy-outcome')).toContainText('Cancelled: shop-003 never went online', { timeout: 20_000 });
  await page.getByRole('link', { name: 'Go to the service' }).click();
  await expect(page.getByTestId('online-version')).toContainText('shop-001');
  await expect(page.getByRole('row', { name: /shop-003/ })).toContainText('Cancelled');

  // A past deploy opens from its record, which names no task: its log is
  // read with the record's own (opaque) RunId.
  await page.getByRole('link', { name: 'Deploy log shop-002' }).click();
  await expect(page).toHaveURL(/\/services\/shop\/deploys\/shop-002$/);
  await expect(page.getByRole('heading', { name: 'Deploy of shop-002 · shop' })).toBeVisible();
  await expect(page.getByTestId('record-status')).toHaveText('Failed');
  await expect(page.getByRole('log')).toContainText('pulling localcloud/fail-health');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Go to the service' }).click();

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
