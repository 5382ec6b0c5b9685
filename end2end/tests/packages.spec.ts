import { test, expect, expectAccessible, signIn } from './fixtures';
import { zip } from './zip';

const DOCKERFILE = 'FROM node:20-alpine\nCOPY . .\nCMD ["node", "server.js"]\n';

test('deploy from a code package: upload with progress, build steps, traffic in the list; delete an old version', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await page.goto('/envs/new');
  await page.getByLabel('Environment name').fill('e2e-pkg');
  await page.getByRole('radio', { name: /Beijing/ }).check();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page).toHaveURL(/\/envs\/e2e-pkg-[a-z0-9]{8}$/);
  const envPage = page.url();

  await page.getByRole('link', { name: 'Create service' }).click();
  await page.getByLabel('Service name').fill('api');
  await page.getByRole('radio', { name: /Source code/ }).check();
  // Checked as picked, by the same rule the cloud applies.
  await page.getByLabel('Code package', { exact: true }).setInputFiles({ name: 'app.tar', mimeType: 'application/x-tar', buffer: Buffer.from('x') });
  await expect(page.getByText('Choose a .zip file.')).toBeVisible();
  await page.getByLabel('Build directory').fill('../up');
  await expect(page.getByText("Use a relative path inside the package, without '..'.")).toBeVisible();
  await page.getByLabel('Build directory').fill('.');
  const pkg = zip({ Dockerfile: DOCKERFILE, 'server.js': "require('http').createServer().listen(80);\n" });
  await page.getByLabel('Code package', { exact: true }).setInputFiles({ name: 'app.zip', mimeType: 'application/zip', buffer: pkg });
  await expect(page.getByText('Choose a .zip file.')).toBeHidden();
  await expectAccessible(page);
  // The upload is held back a moment at the network, so its progress bar is
  // seen: it names the bytes to send and is gone once they are sent.
  let release: () => void = () => {};
  const held = new Promise<void>((ok) => (release = ok));
  await page.route('**/api/envs/*/services/*/package', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole('button', { name: 'Create and deploy' }).click();
  const bar = page.getByRole('progressbar', { name: 'Upload progress' });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('max', String(pkg.length));
  await expect(page.getByText('Uploading the package…')).toBeVisible();
  release();
  await expect(bar).toBeHidden({ timeout: 20_000 });
  await page.unroute('**/api/envs/*/services/*/package');

  // The build steps come first, and the log shows the Dockerfile's steps.
  await expect(page).toHaveURL(/\/services\/api\/tasks\/\d+$/);
  await expect(page.getByTestId('deploy-outcome')).toContainText('Deployed: api-001 is online', { timeout: 30_000 });
  await expect(page.locator('li[data-status="finished"]')).toHaveCount(7);
  await expect(page.locator('li[data-status="finished"]').first()).toContainText('validate upload');
  await expect(page.getByRole('log')).toContainText('Step 1/3 : FROM node:20-alpine');
  await expect(page.getByRole('log')).toContainText('cannot run containers');

  // The list shows who has the traffic and the last deploy.
  await page.goto(envPage);
  await expect(page.getByRole('row', { name: /api/ })).toContainText('api-001 100%');

  // A second version from new code takes the traffic: the redeploy starts
  // from how the online version was made. Then the first version can be
  // deleted; the second, with the traffic, cannot.
  await page.getByRole('link', { name: 'api', exact: true }).click();
  await expect(page.getByTestId('service-source')).toContainText('built from Dockerfile');
  await expect(page.getByRole('radio', { name: /Source code/ })).toBeChecked();
  await expect(page.getByLabel('Dockerfile name')).toHaveValue('Dockerfile');
  const v2 = zip({ Dockerfile: DOCKERFILE, 'server.js': "// v2\n" });
  await page.getByLabel('Code package', { exact: true }).setInputFiles({ name: 'v2.zip', mimeType: 'application/zip', buffer: v2 });
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page.getByTestId('deploy-outcome')).toContainText('Deployed', { timeout: 30_000 });
  await page.getByRole('link', { name: 'Go to the service' }).click();
  await expect(page.getByTestId('online-version')).toContainText('api-002');
  await expect(page.getByRole('button', { name: 'Delete version api-002' })).toBeDisabled();
  await expect(page.getByRole('row', { name: /^api-002 / })).toContainText('It receives traffic');
  // Deleting asks first, in the page.
  await page.getByRole('button', { name: 'Delete version api-001' }).click();
  const ask = page.getByRole('group', { name: /^Delete api-001\?/ });
  await expect(ask).toContainText('its deploy record stays');
  await ask.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('row', { name: /^api-001 / })).toContainText('Version deleted');
  await expectAccessible(page);
});
