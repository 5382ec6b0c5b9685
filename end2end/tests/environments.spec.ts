import { test, expect, expectAccessible, signIn } from './fixtures';

test('sign in, create an environment in Guangzhou, see its region locked, delete it, sign out', async ({ page, watch }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();
  await expectAccessible(page);

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No environments yet' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Create environment' }).click();
  await expect(page.getByRole('heading', { name: 'Create environment' })).toBeVisible();
  await expect(page.getByText('the region can never be changed')).toBeVisible();
  await expectAccessible(page);

  // The alias rule (shared with localcloud) answers as you type.
  const alias = page.getByLabel('Environment name');
  await alias.fill('Prod_1');
  await expect(page.getByText('Start with a lower-case letter (a–z).')).toBeVisible();
  await expect(alias).toHaveAttribute('aria-invalid', 'true');
  await alias.fill('e2e-gz');
  await expect(alias).toHaveAttribute('aria-invalid', 'false');

  await page.getByRole('radio', { name: /Guangzhou/ }).check();
  await page.getByRole('button', { name: 'Create', exact: true }).click();

  await expect(page).toHaveURL(/\/envs\/e2e-gz-[a-z0-9]{8}$/);
  const envId = page.url().split('/').pop()!;
  await expect(page.getByRole('heading', { name: 'e2e-gz', level: 1 })).toBeVisible();
  await expect(page.getByTestId('env-region')).toHaveText('Guangzhou (ap-guangzhou)');
  await expect(page.getByText('Region locked')).toBeVisible();
  await expect(page.getByText('can never change')).toBeVisible();
  await expectAccessible(page);

  // Listed with its region.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Environments' }).click();
  const row = page.getByRole('row', { name: new RegExp(envId) });
  await expect(row).toContainText('Guangzhou (ap-guangzhou)');
  await expect(row).toContainText('Normal');
  await expectAccessible(page);

  // Delete with type-the-id confirmation.
  await row.getByRole('link', { name: 'e2e-gz' }).click();
  const del = page.getByRole('button', { name: 'Delete environment' });
  await expect(del).toBeDisabled();
  await page.getByLabel('Type the environment ID to confirm').fill(envId);
  await expect(del).toBeEnabled();
  await del.click();
  await expect(page).toHaveURL(/\/envs$/);
  await expect(page.getByRole('row', { name: new RegExp(envId) })).toHaveCount(0);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();
  // Signed out server-side: the app is closed again. That visit's own 401s
  // are the point of this step.
  watch.allow.push(/status of 401/);
  await page.goto('/envs', { waitUntil: 'commit' });
  await expect(page).toHaveURL(/\/login\?next=%2Fenvs/);
});

test('a wrong password gets a generic error next to the form', async ({ page, watch }) => {
  await signIn(page, 'admin', 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('The username or password is incorrect.');
  await expectAccessible(page);
  watch.allow.push(/status of 401/);
});

test('an ended session sends the user to login and back to where they were', async ({ page, context, watch }) => {
  // The ended session's own 401s are the point of this test.
  watch.allow.push(/status of 401/);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await page.goto('/envs/new');
  await expect(page.getByRole('heading', { name: 'Create environment' })).toBeVisible();
  // The server ends the session (as an idle timeout would); the cookie stays.
  const cookie = (await context.cookies()).find((c) => c.name === 'console_session')!;
  await page.request.post('/api/auth/logout', {
    headers: { 'x-console-request': '1', cookie: `console_session=${cookie.value}` },
  });
  await context.addCookies([cookie]);
  // The app redirects as soon as it starts, which may cut the reload short
  // (Chromium then reports the reloaded page as detached): where it lands,
  // checked next, is what counts.
  await page.reload({ waitUntil: 'commit' }).catch(() => undefined);
  await expect(page).toHaveURL(/\/login\?next=%2Fenvs%2Fnew&expired=1$/);
  await expect(page.getByRole('status')).toHaveText(/Your session ended/);
  await expectAccessible(page);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(process.env.CONSOLE_ADMIN_PASSWORD!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/envs\/new$/);
});

test('the console speaks Chinese and remembers it, and offers a dark theme', async ({ page, watch }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '环境', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.reload();
  await expect(page.getByRole('heading', { name: '环境', level: 1 })).toBeVisible();
  await page.getByLabel('主题').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectAccessible(page);
  await page.getByLabel('语言').selectOption('en');
  await page.getByLabel('Theme').selectOption('system');
  void watch;
});
