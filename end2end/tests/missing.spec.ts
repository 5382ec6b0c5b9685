import { test, expect, expectAccessible, signIn, createEnv, createService } from './fixtures';

// A page about something that does not exist says so once, with the way
// back: no stack of error boxes, no live form, no endless "reconnecting".
test('a missing service or deploy shows one not-found state', async ({ page, watch }) => {
  // The cloud's answers about what is missing are 404s: that is the point here.
  watch.allow.push(/status of 404/);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const env = await createEnv(page, 'e2e-missing', /Beijing/);
  await createService(page, env, 'here');

  await page.goto(`/envs/${env}/services/gone`);
  await expect(page.getByRole('heading', { name: 'This service does not exist (any more).' })).toBeVisible();
  await expect(page.getByTestId('not-found')).toHaveCount(1);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete service' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Deploy', exact: true })).toHaveCount(0);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Back to the environment' }).click();
  await expect(page).toHaveURL(new RegExp(`/envs/${env}$`));

  // A task of a service that does not exist.
  await page.goto(`/envs/${env}/services/gone/tasks/1`);
  await expect(page.getByRole('heading', { name: 'This deploy does not exist.' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to the environment' })).toBeVisible();

  // A task that does not exist, of a service that does; and one that is not a number.
  for (const task of ['99999', 'abc']) {
    await page.goto(`/envs/${env}/services/here/tasks/${task}`);
    await expect(page.getByRole('heading', { name: 'This deploy does not exist.' })).toBeVisible();
    await expect(page.getByTestId('link-state')).toHaveCount(0);
    await expect(page.getByText('reconnecting')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Go to the service' })).toHaveAttribute('href', `/envs/${env}/services/here`);
  }
  await expectAccessible(page);
});
