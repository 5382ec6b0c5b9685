import { test, expect, expectAccessible, signIn, createEnv } from './fixtures';

// One rule for times everywhere: the browser's local time, its zone shown.
// India's zone (UTC+5:30, no daylight saving) is neither UTC nor the cloud's
// UTC+8, so a time shown in either of those would not match.
test.use({ timezoneId: 'Asia/Kolkata' });

const IST = 330 * 60; // seconds east of UTC

/** Unix seconds as `YYYY-MM-DD HH:MM:SS` in India. */
function india(unix: number): string {
  return new Date((unix + IST) * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** A cloud API time (China Standard Time) to Unix seconds. */
function fromCst(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}+08:00`) / 1000;
}

test('users, sessions, the audit log and the lists show one zone, and say which', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const env = await createEnv(page, 'e2e-tz', /Guangzhou/);

  // The environment list: the cloud's UTC+8 time, shown in India's zone.
  const listed = await page.request.post('/api/cloud/tcbr/DescribeCloudRunEnvs', {
    headers: { 'x-console-request': '1' },
    data: {},
  });
  const created = (await listed.json()).EnvList.find((e: { EnvId: string }) => e.EnvId === env).CreateTime as string;
  await page.goto('/envs');
  await expect(page.getByRole('columnheader', { name: 'Created (UTC+5:30)' })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(env) })).toContainText(india(fromCst(created)));
  await page.goto(`/envs/${env}`);
  await expect(page.getByText('Created (UTC+5:30)')).toBeVisible();
  await expect(page.getByText(india(fromCst(created)), { exact: true })).toBeVisible();

  // Users: the header said UTC+8 and the cells were UTC; now both follow the rule.
  const users = await (await page.request.get('/api/users')).json();
  const admin = users.find((u: { username: string }) => u.username === 'admin');
  await page.goto('/users');
  await expect(page.getByRole('columnheader', { name: 'Created (UTC+5:30)' })).toBeVisible();
  await expect(page.getByRole('row', { name: /@admin/ })).toContainText(india(admin.created_at));
  await expectAccessible(page);

  // The audit log and the filters read the same zone.
  await page.goto('/audit');
  await expect(page.getByRole('columnheader', { name: 'Time (UTC+5:30)' })).toBeVisible();
  await expect(page.getByLabel('From (UTC+5:30)')).toBeVisible();
  await expect(page.getByText('Times are in your time zone, UTC+5:30.')).toBeVisible();
  const audit = await (await page.request.get('/api/audit')).json();
  await expect(page.getByRole('row').nth(1)).toContainText(india(audit.entries[0].at));
  // A filter from one minute after the newest entry, in local time, leaves nothing.
  const after = india(audit.entries[0].at + 60).slice(0, 16).replace(' ', 'T');
  await page.getByLabel('From (UTC+5:30)').fill(after);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('Nothing matches these filters.')).toBeVisible();

  // Sessions.
  await page.goto('/account');
  await expect(page.getByRole('columnheader', { name: 'Signed in (UTC+5:30)' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Last seen (UTC+5:30)' })).toBeVisible();
  await expectAccessible(page);
});
