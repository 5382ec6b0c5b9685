import { test, expect, expectAccessible, signIn, createEnv, createService } from './fixtures';
import type { Page } from '@playwright/test';

// A phone's width: pages never get wider than the screen (tables scroll in
// their own box), and the header is one row with a Menu.
test.use({ viewport: { width: 390, height: 844 } });

async function fitsTheScreen(page: Page, path: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${path} is ${width}px wide`).toBeLessThanOrEqual(390);
  const header = await page.locator('header.topbar').boundingBox();
  expect(header!.height, `${path}: header height`).toBeLessThanOrEqual(64);
}

test('every page fits a 390 px screen, with a one-row header and a menu', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();

  // The menu folds the navigation and settings away, and closes once a page is chosen.
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expectAccessible(page);
  // Escape closes it and gives focus back to the button.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Environments' }).focus();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(menu).toBeFocused();
  await menu.click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  // The new page's content has the focus, as after a page load.
  await expect(page.locator('main')).toBeFocused();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();

  // The forms work at this width.
  const env = await createEnv(page, 'e2e-phone', /Guangzhou/);
  await createService(page, env, 'pocket');
  const task = page.url();
  await fitsTheScreen(page, 'deploy');

  for (const path of [
    '/envs',
    `/envs/${env}`,
    `/envs/${env}/services/pocket`,
    `/envs/${env}/services/pocket/settings`,
    `/envs/${env}/services/pocket/timeline`,
    `/envs/${env}/services/new`,
    `/envs/${env}/members`,
    `/envs/${env}/audit`,
    '/envs/new',
    '/users',
    '/audit',
    '/account',
    '/cost',
  ]) {
    await page.goto(path);
    await expect(page.locator('main h1, main h2').first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    await fitsTheScreen(page, path);
  }
  await page.goto(task);
  await expect(page.getByTestId('deploy-outcome')).toBeVisible();
  await fitsTheScreen(page, task);

  // The versions list becomes cards: every record's link and action is on
  // the screen, none cut off to the right.
  await page.goto(`/envs/${env}/services/pocket`);
  const records = page.getByRole('group', { name: 'Deploy records' });
  await expect(records).toBeVisible();
  for (const control of await records.locator('a, button').all()) {
    const box = (await control.boundingBox())!;
    expect(box.x + box.width, await control.innerText()).toBeLessThanOrEqual(390);
  }
  await expectAccessible(page);
});
