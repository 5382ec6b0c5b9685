import { test, expect, expectAccessible, signIn, createEnv, createService } from './fixtures';

// Observing a running service (issue 12): traffic sent to a service's default
// domain moves its calls and errors charts (R-OBS-2); a request's log line is
// found by searching, and the live tail receives a new line (R-OBS-3).

test('traffic moves the charts, a request is found in the logs, the live tail follows', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const env = await createEnv(page, 'obs', /Shanghai/);
  await createService(page, env, 'web');
  await page.goto(`/envs/${env}/services/web/monitoring`);

  const calls = page.getByTestId('chart-TkeInvokeNumService');
  const errors = page.getByTestId('chart-TkeHttpErrorService');
  await expect(calls.getByRole('img')).toHaveAccessibleName(/^Calls \(requests\): \d+ points .* max 0, min 0, average 0\.$/);
  // Nothing has reached the service yet: the page says how to send some.
  const empty = page.getByTestId('monitoring-empty');
  await expect(empty).toContainText('No traffic yet');
  const domain = await empty.getByRole('link').getAttribute('href');

  // Five answers and two 500s, through the gateway by the service's domain.
  const target = new URL(domain!);
  const send = (path: string) =>
    page.request.get(`http://127.0.0.1:${target.port}${path}`, { headers: { host: target.host } });
  for (let i = 0; i < 5; i++) expect((await send('/')).status()).toBe(200);
  for (let i = 0; i < 2; i++) expect((await send('/__demo/status/500')).status()).toBe(500);

  // Refresh asks at once (the tab also asks every 30 s by itself).
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(calls.locator('dl')).toContainText('Max7', { timeout: 15_000 });
  await expect(errors.locator('dl')).toContainText('Max2');
  await expect(empty).toBeHidden();
  // The same figures for a screen reader, and every point as a table.
  await expect(calls.getByRole('img')).toHaveAccessibleName(/max 7, min 0/);
  await calls.getByText('Show data').click();
  await expect(calls.getByRole('table')).toContainText('7');

  // A version adds its utilisation with the default scaling threshold.
  await page.getByLabel('Version').selectOption('web-001');
  await expect(page.getByTestId('chart-TkeCpuRatioVersion')).toContainText(/Scale out at \d+%/);

  // A custom range the API refuses is explained where it was typed.
  await page.getByRole('button', { name: 'Custom' }).click();
  await page.getByLabel(/^To/).fill('2020-01-01T00:00');
  await page.getByRole('button', { name: 'Show this range' }).click();
  await expect(page.locator('#mon-range-error')).toHaveText('The start must be at least 5 minutes before the end.');
  await expectAccessible(page);

  // Logs: the request's access line, found by a field and highlighted.
  const marker = `obs-${Date.now()}`;
  expect((await send(`/${marker}`)).status()).toBe(200);
  await page.getByRole('link', { name: 'Logs' }).click();
  const lines = page.getByTestId('log-lines');
  await page.locator('#logs-query').fill(`path:"/${marker}"`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(lines.locator('li')).toHaveCount(1, { timeout: 15_000 });
  await expect(lines.locator('li').first()).toContainText(`/${marker}`);
  await expect(lines.locator('mark').first()).toContainText(marker);
  // A query the search does not understand is explained beside the box.
  await page.locator('#logs-query').fill('nosuchfield:x');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('#logs-query-error')).toContainText('nosuchfield');

  // The live tail: a line written after it opened arrives without a reload.
  await page.locator('#logs-query').fill('level:warn');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByLabel('Follow live').check();
  // The tail shows what is written once it is live (earlier lines are the
  // search's): wait for it, then write a line.
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  const tail = `tail-${Date.now()}`;
  expect((await send(`/__demo/log/warn?msg=${tail}`)).status()).toBe(200);
  await expect(lines.locator('li').first()).toContainText(tail, { timeout: 15_000 });
  await expectAccessible(page);

  // Leave no environment behind: the environments test starts from none.
  const cloud = (action: string, data: object) =>
    page.request.post(`/api/cloud/${action}`, { headers: { 'x-console-request': '1' }, data });
  expect((await cloud('tcbr/DeleteCloudRunServer', { EnvId: env, ServerName: 'web' })).status()).toBe(200);
  await expect.poll(async () => (await cloud('tcb/DestroyEnv', { EnvId: env })).status()).toBe(200);
});
