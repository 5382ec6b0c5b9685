import { test, expect, expectAccessible, signIn, createEnv } from './fixtures';
import { request as http, type Locator, type Page } from '@playwright/test';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** With SCREENSHOT_DIR set, keeps pictures there for a person to look at: the whole page and `part`. */
async function picture(page: Page, name: string, part?: Locator) {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  if (part) await part.screenshot({ path: join(dir, `${name}-section.png`) });
}

test('a personal access token reaches its one environment as a developer, is shown once, and stops at revoke', async ({
  page,
}) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const reached = await createEnv(page, 'tok-ci', /Shanghai/);
  const other = await createEnv(page, 'tok-other', /Beijing/);

  // The Account page says what tokens are for before there is one.
  await page.goto('/account');
  const section = page.getByRole('region', { name: 'Personal access tokens' });
  await expect(section.getByTestId('tokens-empty')).toContainText('No tokens yet');
  await expect(section).toContainText('tcbr command-line tool and CI jobs');
  await expectAccessible(page);

  // The form checks as it goes: a submit with nothing says what is missing, at each field.
  const create = section.getByRole('button', { name: 'Create token' });
  await create.click();
  await expect(section.getByLabel('Name', { exact: true })).toBeFocused();
  await expect(section.locator('#token-name-error')).toHaveText('Give the token a name.');
  await section.getByLabel('Name', { exact: true }).fill('ci deploy');
  await expect(section.locator('#token-name-error')).toHaveText('');
  await expect(section.locator('#token-envs-error')).toHaveText('Choose at least one environment.');
  const envs = section.getByRole('group', { name: 'Environments it reaches' });
  await envs.getByRole('checkbox', { name: new RegExp(reached) }).check();
  await expect(section.locator('#token-envs-error')).toHaveText('');
  await section.getByRole('group', { name: 'Role' }).getByRole('radio', { name: 'Developer' }).check();
  await expect(section.getByLabel('Expires after')).toHaveValue('30');
  await create.click();

  // Shown once: in a read-only field, with Copy, a warning and a command to try.
  const fresh = section.getByTestId('new-token');
  await expect(fresh.getByRole('heading', { name: 'Your new token “ci deploy”' })).toBeFocused();
  await expect(fresh).toContainText('it will not be shown again');
  const field = fresh.getByLabel('Token', { exact: true });
  await expect(field).toHaveAttribute('readonly', '');
  const token = await field.inputValue();
  expect(token).toMatch(/^tcbr_pat_[A-Za-z0-9_-]{40,}$/);
  // The console's log must never hold it: the suite's teardown looks.
  appendFileSync(process.env.E2E_SECRETS_FILE!, `${token}\n`);
  await expect(fresh.locator('pre')).toHaveText(
    `TCBR_CONSOLE=${new URL(page.url()).origin} TCBR_TOKEN=${token} tcbr run service:list -e ${reached}`,
  );
  await expect(fresh.getByRole('button', { name: 'Copy token' })).toBeEnabled();
  const row = section.getByRole('row', { name: /ci deploy/ });
  await expect(row).toContainText(reached);
  await expect(row).not.toContainText(other);
  await expect(row).toContainText('Developer');
  await expect(row.getByTestId('token-last-used')).toContainText('Never');
  await expectAccessible(page);
  await picture(page, 'tokens-created-en-light-1280', section);
  await fresh.getByRole('button', { name: 'Done: hide the token' }).click();
  await expect(fresh).toBeHidden();
  await expect(section.getByRole('heading', { name: 'Personal access tokens' })).toBeFocused();
  expect(await page.content()).not.toContain(token);

  // From Node, with the token alone (no cookie): its environment answers, another does not.
  const cli = await http.newContext({ baseURL: process.env.CONSOLE_URL });
  const call = (env: string) =>
    cli.post('/api/cloud/tcbr/DescribeCloudRunServers', {
      headers: { authorization: `Bearer ${token}` },
      data: { EnvId: env },
    });
  expect((await call(reached)).status()).toBe(200);
  expect((await call(other)).status()).toBe(403);
  // A developer's token cannot manage members; the refusal is audited under the token's name.
  const addMember = await cli.post(`/api/envs/${reached}/members`, {
    headers: { authorization: `Bearer ${token}` },
    data: { username: 'admin', role: 'viewer' },
  });
  expect(addMember.status()).toBe(403);

  // The list shows its use after a reload, and the audit log the token's name.
  await page.reload();
  await expect(row.getByTestId('token-last-used')).toContainText('127.0.0.1');
  await expect(row.getByTestId('token-last-used')).not.toContainText('Never');
  await picture(page, 'tokens-listed-en-light-1280', section);
  await page.goto('/audit');
  // Other tests share the console's audit log: the row is the one made with the token.
  const refused = page.getByRole('row', { name: /AddMember/ }).filter({ hasText: 'via token «ci deploy»' });
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText('Denied');
  await expectAccessible(page);
  await picture(page, 'audit-via-token-en-light-1280');

  // In Chinese, dark, on a phone: the page fits and says it all.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => {
    localStorage.setItem('lang', 'zh-CN');
    localStorage.setItem('theme', 'dark');
  });
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: '个人访问令牌' })).toBeVisible();
  await expect(page.getByRole('row', { name: /ci deploy/ })).toContainText('开发者');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'the account page on a phone').toBeLessThanOrEqual(390);
  await expectAccessible(page);
  await picture(page, 'tokens-zh-dark-390', page.getByRole('region', { name: '个人访问令牌' }));
  await page.goto('/audit');
  await expect(page.getByText('通过令牌「ci deploy」').first()).toBeVisible();
  await page.evaluate(() => {
    localStorage.setItem('lang', 'en');
    localStorage.setItem('theme', 'system');
  });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Revoked (asked first), the same call is refused.
  await page.goto('/account');
  await row.getByRole('button', { name: 'Revoke ci deploy' }).click();
  const ask = row.getByRole('group', { name: /^Revoke “ci deploy”\?/ });
  await expect(ask).toBeVisible();
  await expectAccessible(page);
  await ask.getByRole('button', { name: 'Confirm' }).click();
  await expect(row).toBeHidden();
  await expect(section.getByTestId('tokens-empty')).toBeVisible();
  expect((await call(reached)).status()).toBe(401);
  await cli.dispose();

  // Leave no environment behind.
  const cloud = (action: string, data: object) =>
    page.request.post(`/api/cloud/${action}`, { headers: { 'x-console-request': '1' }, data });
  for (const env of [reached, other]) {
    await expect.poll(async () => (await cloud('tcb/DestroyEnv', { EnvId: env })).status()).toBe(200);
  }
});
