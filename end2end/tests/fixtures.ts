import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/**
 * Every test fails if its page logged a console error or warning, an
 * uncaught exception, or a CSP violation (an automatic fixture: no test opts
 * in or out). A test that provokes some on purpose lists them in `watch.allow`.
 */
export const test = base.extend<{ watch: { allow: RegExp[] } }>({
  baseURL: async ({}, use) => use(process.env.CONSOLE_URL),
  watch: [
    async ({ page }, use) => {
      const problems: string[] = [];
      const allowance = { allow: [] as RegExp[] };
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') {
          problems.push(`${msg.type()}: ${msg.text()} [${msg.location().url}]`);
        }
      });
      page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
      await use(allowance);
      const unexpected = problems.filter((p) => !allowance.allow.some((re) => re.test(p)));
      expect(unexpected, 'console errors, warnings or CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * An axe scan of the page as it is now: no violations at all. And no SPEC
 * rule ID ("R-ENV-6") in the console's own words: those are for code and
 * tests. (A deploy log is the cloud's output, quoted as it is.)
 */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
  expect(summary, 'axe violations').toEqual([]);
  const words = await page.locator('body').evaluate((body) => {
    const copy = body.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('[role="log"]').forEach((log) => log.remove());
    return copy.textContent ?? '';
  });
  expect(words, 'rule IDs in the page').not.toMatch(/\bR-[A-Z]+-\d+\b/);
}

export async function signIn(page: Page, username = 'admin', password = process.env.CONSOLE_ADMIN_PASSWORD!) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Creates an environment through the form and returns its id. */
export async function createEnv(page: Page, alias: string, region: RegExp): Promise<string> {
  await page.goto('/envs/new');
  await page.getByLabel('Environment name').fill(alias);
  await page.getByRole('radio', { name: region }).check();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/envs/${alias}-[a-z0-9]{8}$`));
  return page.url().split('/').pop()!;
}

/** Creates a service from an image in `env` and waits until it is online. */
export async function createService(page: Page, env: string, name: string, image = 'nginx:1.27') {
  await page.goto(`/envs/${env}/services/new`);
  await page.getByLabel('Service name').fill(name);
  await page.getByLabel('Container image').fill(image);
  await page.getByRole('button', { name: 'Create and deploy' }).click();
  await expect(page.getByTestId('deploy-outcome')).toContainText('Deployed', { timeout: 30_000 });
}
