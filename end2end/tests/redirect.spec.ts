import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Sign-in links that try to send the user to another site once signed in
// (issue #8, item 3), as an attacker would write them into the address:
// each `next` reaches the SPA decoded once by the query string.
const ATTACKS = [
  '//evil.example',
  '/%5Cevil.example',
  '/\\evil.example',
  '/%09/evil.example',
  '/%0A/evil.example',
  '/%0D/evil.example',
  '/%2F%2Fevil.example',
  '/%252F%252Fevil.example',
  '/%5C%5Cevil.example',
  '/%20/evil.example',
  'https:evil.example',
  'https://evil.example/',
  'javascript:alert(document.domain)',
  '%2F%2Fevil.example',
  '/%E3%80%80/evil.example',
];

/** What the attacker's site shows. */
const EVIL = 'the attacker page';

/** Signs in from `/login?next=…` and waits until the browser has gone wherever that led. */
async function signInWith(page: Page, next: string) {
  await page.goto(`/login?next=${next}`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(process.env.CONSOLE_ADMIN_PASSWORD!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  // Signed in (or asked to choose a password first), not just passing through.
  const landed = page
    .getByRole('heading', { name: 'Environments', level: 1 })
    .or(page.getByText('Choose your own password before you continue'))
    .or(page.getByText(EVIL, { exact: true }));
  await expect(landed).toBeVisible();
  return new URL(page.url());
}

test.describe('after sign-in the console never leaves its origin', () => {
  for (const attack of ATTACKS) {
    test(`next=${attack}`, async ({ page, baseURL, watch }) => {
      const origin = new URL(baseURL!).origin;
      // Had the attack worked, the browser would land here (no real DNS needed).
      const reached: string[] = [];
      await page.route(
        (url) => url.hostname.endsWith('evil.example'),
        (route) => {
          reached.push(route.request().url());
          return route.fulfill({ contentType: 'text/html', body: `<p>${EVIL}</p>` });
        },
      );
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        return dialog.dismiss();
      });

      const url = await signInWith(page, attack);
      expect(url.origin).toBe(origin);
      expect(url.pathname).toBe('/');
      expect(reached, 'requests to the attacker').toEqual([]);
      expect(dialogs, 'script run from next').toEqual([]);
    });
  }

  test('a page of the console is still where sign-in leads', async ({ page, baseURL, watch }) => {
    const url = await signInWith(page, '%2Fenvs%3Fq%3Dx%23top');
    expect(url.origin).toBe(new URL(baseURL!).origin);
    expect(`${url.pathname}${url.search}${url.hash}`).toBe('/envs?q=x#top');
  });
});
