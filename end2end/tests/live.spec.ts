import { test, expect, expectAccessible, signIn, createEnv, createService } from './fixtures';

// A redeploy is visible outside its own page (issue #9): the service and the
// services list say "Deploying" while it runs, Redeploy and Delete service
// wait with the reason (R-SVC-4), and both pages follow it to its end on
// their own, without a reload.
test('a running redeploy shows everywhere, blocks other changes with the reason, and the pages follow it live', async ({ page, context }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const env = await createEnv(page, 'e2e-live', /Shanghai/);
  await createService(page, env, 'web');
  const servicePage = `/envs/${env}/services/web`;

  // Two more tabs: the service and the environment's list.
  const service = await context.newPage();
  const list = await context.newPage();
  await service.goto(servicePage);
  await list.goto(`/envs/${env}`);
  await expect(service.getByTestId('service-status')).toContainText('Normal');
  await expect(service.getByRole('button', { name: 'Deploy', exact: true })).toBeEnabled();

  // A slow redeploy starts in the first tab; the others are opened anew while it runs.
  await page.goto(servicePage);
  await page.getByLabel('Container image').fill('localcloud/slow-start');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page).toHaveURL(/\/services\/web\/tasks\/[1-9]\d*$/);
  const taskUrl = page.url();
  await Promise.all([service.reload(), list.reload()]);

  const reason = 'A deploy (web-002) is running on this service, and only one update can run at a time. Wait for it to end, or cancel it.';
  await expect(service.getByTestId('service-status')).toContainText('Deploying');
  const redeploy = service.getByRole('button', { name: 'Deploy', exact: true });
  await expect(redeploy).toBeDisabled();
  await expect(redeploy).toHaveAccessibleDescription(new RegExp(reason.replace(/[.()]/g, '\\$&')));
  const del = service.getByRole('button', { name: 'Delete service' });
  await expect(del).toBeDisabled();
  await expect(del).toHaveAccessibleDescription(reason);
  await expect(service.getByLabel('Type the service name to confirm')).toBeDisabled();
  await expect(service.getByTestId('service-status').getByRole('link', { name: 'Watch the deploy' })).toHaveAttribute(
    'href',
    new URL(taskUrl).pathname,
  );
  const row = list.getByTestId('services').getByRole('row', { name: /web/ });
  await expect(row).toContainText('Deploying');

  // It ends; both tabs follow by themselves.
  await expect(page.getByTestId('deploy-outcome')).toContainText('Deployed: web-002 is online', { timeout: 30_000 });
  await expect(service.getByTestId('service-status')).toContainText('Normal');
  await expect(redeploy).toBeEnabled();
  await expect(service.getByTestId('online-version')).toContainText('web-002');
  await expect(row).not.toContainText('Deploying');
  await expect(row).toContainText('web-002 100%');
  await expect(row).toContainText('Deployed');
  await expectAccessible(service);

  // Nothing deploys any more: the lists stop asking.
  const asked: string[] = [];
  list.on('request', (r) => asked.push(r.url()));
  await list.waitForTimeout(4_500);
  expect(asked.filter((u) => u.includes('/api/cloud/')), 'requests while nothing deploys').toEqual([]);
});
