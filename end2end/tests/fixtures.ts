import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** Fails a test that logged a console error or a CSP violation. */
export const test = base.extend<{ watch: { allow: RegExp[] } }>({
  baseURL: async ({}, use) => use(process.env.CONSOLE_URL),
  watch: async ({ page }, use) => {
    const problems: string[] = [];
    const allowance = { allow: [] as RegExp[] };
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`${msg.text()} [${msg.location().url}]`);
    });
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    await use(allowance);
    const unexpected = problems.filter((p) => !allowance.allow.some((re) => re.test(p)));
    expect(unexpected, 'console errors or CSP violations').toEqual([]);
  },
});

export { expect };

/** An axe scan of the page as it is now: no violations at all. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
  expect(summary, 'axe violations').toEqual([]);
}

export async function signIn(page: Page, username = 'admin', password = process.env.CONSOLE_ADMIN_PASSWORD!) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
