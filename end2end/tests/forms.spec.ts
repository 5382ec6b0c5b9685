import { test, expect, expectAccessible, signIn, createEnv, createService } from './fixtures';

test('a create-service submit with errors focuses the first and lists them all, each in its own words', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const env = await createEnv(page, 'e2e-forms', /Shanghai/);
  await createService(page, env, 'taken');

  await page.goto(`/envs/${env}/services/new`);
  const name = page.getByLabel('Service name');
  await page.getByRole('button', { name: 'Create and deploy' }).click();
  // Focus moves to the first error; the summary says what each field needs.
  await expect(name).toBeFocused();
  const summary = page.locator('.error-summary');
  await expect(summary).toHaveAttribute('role', 'alert');
  await expect(summary).toContainText('Fix these to continue:');
  await expect(summary.getByRole('link', { name: 'Service name: Enter a service name.' })).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Container image: Enter a container image, such as nginx:1.27.' })).toBeVisible();
  await expect(page.locator('#svc-image-error')).toHaveText('Enter a container image, such as nginx:1.27.');
  await expect(page.getByText('Enter a name.')).toHaveCount(0);
  await expect(page).toHaveURL(/\/services\/new$/);
  // A summary link takes the user to its field.
  await summary.getByRole('link', { name: /^Container image/ }).click();
  await expect(page.getByLabel('Container image')).toBeFocused();

  // A code package that is missing is said as such.
  await page.getByRole('radio', { name: /Source code/ }).check();
  await expect(summary.getByRole('link', { name: 'Code package: Choose a code package (a .zip file).' })).toBeVisible();
  await expect(page.locator('#svc-package-error')).toHaveText('Choose a code package (a .zip file).');
  await page.getByRole('radio', { name: /ready-made image/ }).check();

  // A name already used in the environment is said at the name field, as typed.
  await name.fill('taken');
  await expect(page.locator('#svc-name-error')).toHaveText('A service named taken already exists in this environment.');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/A service named taken already exists in this environment\./);

  // A bad pasted variable is named; pasted text not added holds the submit.
  await name.fill('fresh');
  await page.getByLabel('Container image').fill('nginx:1.27');
  const paste = page.getByLabel('Paste a=1&b=2');
  await paste.fill('GOOD=1&1abc=2');
  await expect(page.locator('#svc-vars-error')).toHaveText('“1abc=2”: Start with a letter.');
  await page.getByRole('button', { name: 'Add these' }).click();
  await page.getByRole('button', { name: 'Create and deploy' }).click();
  await expect(paste).toBeFocused();
  await expect(summary.getByRole('link', { name: 'Environment variables: “1abc=2”: Start with a letter.' })).toBeVisible();
  await paste.fill('GOOD=1&API_TOKEN=s3cret-value');
  await expect(summary.getByRole('link', { name: /Press “Add these”/ })).toBeVisible();
  await page.getByRole('button', { name: 'Add these' }).click();
  await expect(summary).toBeHidden();
  await expect(page.locator('#svc-var-0-name')).toHaveValue('GOOD');
  await page.locator('#svc-var-1-name').fill('BAD-NAME');
  await expect(page.locator('#svc-vars-error')).toHaveText("“BAD-NAME”: '-' is not allowed: use letters, digits and '_'.");
  await page.locator('#svc-var-1-name').fill('API_TOKEN');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create and deploy' }).click();
  await expect(page).toHaveURL(/\/services\/fresh\/tasks\/\d+$/);
  await expect(page.getByTestId('deploy-outcome')).toContainText('Deployed', { timeout: 30_000 });

  // A secret-looking value stays masked until shown on purpose, and hides again.
  await page.goto(page.url().replace(/\/tasks\/\d+$/, ''));
  await expect(page.getByText('API_TOKEN=••••••')).toBeVisible();
  await expect(page.getByText('s3cret-value')).toHaveCount(0);
  await page.getByRole('button', { name: 'Show secret values' }).click();
  await expect(page.getByText('API_TOKEN=s3cret-value')).toBeVisible();
  await page.getByRole('button', { name: 'Hide secret values' }).click();
  await expect(page.getByText('API_TOKEN=••••••')).toBeVisible();
});

test('creating an environment with a name already in use warns, naming the one that has it', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const first = await createEnv(page, 'e2e-twin', /Beijing/);
  await page.goto('/envs/new');
  const alias = page.getByLabel('Environment name');
  await alias.fill('e2e-twi');
  await expect(page.getByTestId('alias-taken')).toHaveCount(0);
  await alias.fill('e2e-twin');
  const warning = `You already have an environment named e2e-twin (${first}).`;
  await expect(page.getByTestId('alias-taken')).toContainText(warning);
  await expect(alias).toHaveAccessibleDescription(new RegExp(warning.replace(/[.()]/g, '\\$&')));
  await expectAccessible(page);
  // Submitting without a region moves focus to the region.
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByRole('radio', { name: /Beijing/ })).toBeFocused();
  await expect(page.getByText('Choose a region.')).toBeVisible();
});
