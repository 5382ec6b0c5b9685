import { test, expect, expectAccessible, signIn, createEnv, createService } from './fixtures';
import type { BrowserContext, Page } from '@playwright/test';

// Releases (issue 10): a settings change, a gray release split, finished and
// abandoned, a rollback after its diff, the settings that differ from what
// runs after it, a viewer's disabled controls, and the timeline — all
// through the UI, and every version checked where it really answers: on the
// service's domain, through the gateway.

test.use({ screenshot: 'only-on-failure' });

/** An environment with one service `shop` online as shop-001 (nginx:1.27). */
async function serviceOnline(page: Page, alias: string) {
  const env = await createEnv(page, alias, /Guangzhou/);
  await createService(page, env, 'shop');
  await page.getByRole('link', { name: 'Go to the service' }).click();
  await expect(page.getByTestId('online-version')).toContainText('shop-001');
  const domain = (await page.getByTestId('service-domain').getAttribute('href'))!;
  expect(domain).toMatch(/^http:\/\/shop-[a-z0-9-]+\.run\.localhost:\d+$/);
  return { env, servicePage: page.url(), domain };
}

/** "Deploy a new version" on the overview, full or gray; the progress page opens. */
async function update(page: Page, how: { gray?: boolean; image?: string } = {}) {
  const form = page.getByRole('form', { name: 'Deploy a new version' });
  if (how.image) await form.getByLabel('Container image').fill(how.image);
  await form.getByRole('radio', { name: how.gray ? 'Gray release' : 'Full update' }).check();
  await form.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page).toHaveURL(/\/services\/shop\/tasks\/\d+$/);
}

/** Waits for a deploy's outcome on its progress page, then goes back to the service. */
async function outcome(page: Page, text: string) {
  await expect(page.getByTestId('deploy-outcome')).toContainText(text, { timeout: 30_000 });
  await page.getByRole('link', { name: 'Go to the service' }).click();
  await expect(page.getByRole('navigation', { name: 'Service sections' })).toBeVisible();
}

/** The deploy records' rows of `version` (the newest first). */
function versionRow(page: Page, version: string) {
  return page.getByRole('table', { name: 'Deploy records' }).getByRole('row', { name: new RegExp(`^${version}\\b`) });
}

/**
 * Asks the service's domain in a browser tab, up to `max` times or until
 * every version in `until` has answered; returns how many answers each
 * version gave. Each answer's `x-localcloud-version` header names the same
 * version as its JSON, and its `env` is returned from the last answer.
 */
async function served(context: BrowserContext, domain: string, max: number, until: string[] = []) {
  const tab = await context.newPage();
  try {
    await tab.goto(domain);
    return await tab.evaluate(
      async ({ max, until }) => {
        const counts: Record<string, number> = {};
        let env: Record<string, string> = {};
        for (let i = 0; i < max; i++) {
          const r = await fetch(`/?probe=${i}`, { cache: 'no-store' });
          const body = await r.json();
          const header = r.headers.get('x-localcloud-version');
          if (header !== body.version) throw new Error(`header ${header} but the answer says ${body.version}`);
          counts[body.version] = (counts[body.version] ?? 0) + 1;
          env = body.env;
          if (until.length && until.every((v) => counts[v])) break;
        }
        return { counts, env };
      },
      { max, until },
    );
  } finally {
    await tab.close();
  }
}

test('a variable changed in Settings is served by the new version', async ({ page, context }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const { domain } = await serviceOnline(page, 'rel-vars');

  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 3 })).toBeVisible();
  // Nothing changed yet: nothing to save, and it says so.
  const save = page.getByRole('button', { name: 'Save and deploy' });
  await expect(page.getByRole('button', { name: 'Add variable' })).toBeEnabled();
  await expect(save).toBeDisabled();
  await expect(page.getByText('Nothing to save: these are the settings the service runs with.')).toBeVisible();
  // Nothing differs between what runs and the settings yet.
  await expect(page.getByTestId('running-differs')).toHaveCount(0);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Add variable' }).click();
  await page.getByLabel('Name of variable 1', { exact: true }).fill('GREETING');
  await page.getByLabel('Value of variable 1', { exact: true }).fill('hello from settings');
  await expect(save).toBeEnabled();
  await expectAccessible(page);
  await save.click();

  // The settings change is a deploy of a new version, followed live.
  await expect(page).toHaveURL(/\/services\/shop\/tasks\/\d+$/);
  await expect(page.getByRole('heading', { name: 'Settings change: shop-002 · shop' })).toBeVisible();
  await outcome(page, 'Deployed: shop-002 is online with all the traffic.');
  await expect(page.getByTestId('online-version')).toContainText('shop-002');
  await expect(page.getByText('GREETING=hello from settings')).toBeVisible();

  // The gateway serves the new version, with the variable.
  const { counts, env } = await served(context, domain, 10);
  expect(counts).toEqual({ 'shop-002': 10 });
  expect(env.GREETING).toBe('hello from settings');
});

test('a gray release at 30 % serves both versions, then finishes with 100 % on the new one', async ({ page, context }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const { domain } = await serviceOnline(page, 'rel-gray');

  const form = page.getByRole('form', { name: 'Deploy a new version' });
  await expect(form.getByText('The new version comes online with 0 % of the traffic')).toBeVisible();
  await update(page, { gray: true });
  await outcome(page, 'Deployed for a gray release: shop-002 is online with 0 % of the traffic and shop-001 keeps the rest.');

  // The traffic panel: the two versions and what each gets now.
  const panel = page.getByTestId('traffic');
  await expect(panel.getByRole('heading', { name: 'Gray release' })).toBeVisible();
  const now = panel.getByTestId('traffic-now');
  await expect(now).toContainText('shop-001 (stable)100%');
  await expect(now).toContainText('shop-002 (new)0%');
  await expect(page.getByTestId('service-status')).toContainText('Gray release open');

  // 25 % from the presets, then five steps of the slider by keyboard: 30 %.
  await panel.getByRole('group', { name: 'Presets' }).getByRole('button', { name: '25%', exact: true }).click();
  const slider = panel.getByRole('slider', { name: 'Traffic to shop-002 (%)' });
  for (let i = 0; i < 5; i++) await slider.press('ArrowRight');
  await expect(slider).toHaveValue('30');
  await expect(slider).toHaveAttribute('aria-valuetext', '30% to shop-002, 70% to shop-001');
  await expectAccessible(page);
  await panel.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(panel.getByText('Applied: new requests are split this way.')).toBeVisible();
  await expect(now).toContainText('shop-001 (stable)70%');
  await expect(now).toContainText('shop-002 (new)30%');
  const row = (v: string) => versionRow(page, v);
  await expect(row('shop-001').getByTestId('record-traffic')).toHaveText('70%', { useInnerText: true });
  await expect(row('shop-002').getByTestId('record-traffic')).toHaveText('30%', { useInnerText: true });

  // While it is open, nothing else may change the service, and it says why.
  const busy =
    'A gray release is open on this service (shop-002 beside shop-001), and only one update can run at a time. Finish or abandon it first.';
  await expect(page.locator('#redeploy-why')).toHaveText(busy);
  await expect(form.getByRole('button', { name: 'Deploy', exact: true })).toBeDisabled();
  await expect(page.locator('#rollback-why')).toHaveText(`Roll back: ${busy}`);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.locator('#settings-why')).toHaveText(busy);
  await expect(page.getByRole('button', { name: 'Save and deploy' })).toBeDisabled();
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Overview' }).click();
  await expect(now).toContainText('shop-002 (new)30%');

  // Both versions answer on the domain.
  const { counts } = await served(context, domain, 300, ['shop-001', 'shop-002']);
  expect(Object.keys(counts).sort()).toEqual(['shop-001', 'shop-002']);

  // Finish, after a confirmation that states the traffic after it.
  await panel.getByRole('button', { name: 'Finish: all traffic to shop-002' }).click();
  const ask = panel.getByRole('group', {
    name: 'Finish the gray release? shop-002 will get 100%; shop-001 goes offline in 30 minutes.',
  });
  await expect(ask).toBeVisible();
  await expectAccessible(page);
  await ask.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('The gray release is finished: shop-002 has all the traffic.')).toBeVisible();
  await expect(page.getByTestId('traffic')).toHaveCount(0);
  await expect(page.getByTestId('online-version')).toHaveCount(1);
  await expect(page.getByTestId('online-version')).toContainText('shop-002');
  await expect(page.getByTestId('online-version')).toContainText('Traffic 100%');
  await expect(row('shop-002').getByTestId('record-traffic')).toHaveText('100%', { useInnerText: true });
  await expect(row('shop-001').getByTestId('record-traffic')).toHaveText('0%', { useInnerText: true });
  const after = await served(context, domain, 30);
  expect(after.counts).toEqual({ 'shop-002': 30 });
});

test('an abandoned gray release leaves 100 % on the old version and takes the new one offline', async ({ page, context }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const { domain } = await serviceOnline(page, 'rel-abandon');
  await update(page, { gray: true });
  await outcome(page, 'Deployed for a gray release: shop-002 is online with 0 % of the traffic');

  const panel = page.getByTestId('traffic');
  // A split first, so abandoning has traffic to take back.
  await panel.getByRole('group', { name: 'Presets' }).getByRole('button', { name: '50%', exact: true }).click();
  await panel.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(panel.getByTestId('traffic-now')).toContainText('shop-002 (new)50%');

  await panel.getByRole('button', { name: 'Abandon: take shop-002 offline' }).click();
  const ask = panel.getByRole('group', { name: 'Abandon the gray release? shop-002 goes offline; shop-001 gets 100%.' });
  await expect(ask).toBeVisible();
  // Cancelling changes nothing.
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  await expect(panel.getByTestId('traffic-now')).toContainText('shop-002 (new)50%');
  await panel.getByRole('button', { name: 'Abandon: take shop-002 offline' }).click();
  await ask.getByRole('button', { name: 'Confirm' }).click();
  await expect(
    page.getByText('The gray release is abandoned: shop-002 goes offline and shop-001 keeps all the traffic.'),
  ).toBeVisible();
  await expect(page.getByTestId('traffic')).toHaveCount(0);
  await expect(page.getByTestId('online-version')).toHaveCount(1);
  await expect(page.getByTestId('online-version')).toContainText('shop-001');
  await expect(page.getByTestId('online-version')).toContainText('Traffic 100%');
  const row = (v: string) => versionRow(page, v);
  await expect(row('shop-001').getByTestId('record-traffic')).toHaveText('100%', { useInnerText: true });
  await expect(row('shop-002').getByTestId('record-traffic')).toHaveText('0%', { useInnerText: true });
  // The canary is offline: no instance of it is left, and only shop-001 answers.
  await expect(page.getByTestId('instances')).toContainText('shop-001-');
  await expect(page.getByTestId('instances')).not.toContainText('shop-002-', { timeout: 15_000 });
  const { counts } = await served(context, domain, 30);
  expect(counts).toEqual({ 'shop-001': 30 });
  // Other updates may start again.
  await expect(page.getByRole('button', { name: 'Deploy', exact: true })).toBeEnabled();
});

/**
 * shop-001 (nginx:1.27, no variable), then shop-002 (nginx:1.28), then
 * shop-003 (nginx:1.28 with STAGE=three, from Settings); then a rollback to
 * shop-001 after reading its diff.
 */
async function rollBackToFirst(page: Page, alias: string, check: boolean) {
  const made = await serviceOnline(page, alias);
  await update(page, { image: 'nginx:1.28' });
  await outcome(page, 'Deployed: shop-002 is online with all the traffic.');
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Add variable' }).click();
  await page.getByLabel('Name of variable 1', { exact: true }).fill('STAGE');
  await page.getByLabel('Value of variable 1', { exact: true }).fill('three');
  await page.getByRole('button', { name: 'Save and deploy' }).click();
  await outcome(page, 'Deployed: shop-003 is online with all the traffic.');

  // The versions list: newer versions and the online one cannot be targets, with the reason.
  const rollTo = (v: string) => versionRow(page, v).getByRole('button', { name: `Roll back to ${v}` });
  if (check) {
    await expect(rollTo('shop-003')).toBeDisabled();
    await expect(rollTo('shop-003')).toHaveAccessibleDescription('It is the online version.');
    await expect(rollTo('shop-002')).toBeEnabled();
  }
  await rollTo('shop-001').click();
  const panel = page.getByTestId('rollback');
  await expect(panel.getByRole('heading', { name: 'Roll back to shop-001' })).toBeFocused();
  const diff = panel.getByRole('table', { name: 'What changes from shop-003 to shop-001' });
  await expect(diff).toBeVisible();
  if (check) {
    await expect(diff.getByRole('columnheader')).toHaveText(['Setting', 'shop-003 (online now)', 'shop-001 (after the rollback)']);
    await expect(diff.getByRole('row', { name: /^Image/ }).getByRole('cell')).toHaveText(['nginx:1.28', 'nginx:1.27']);
    await expect(diff.getByRole('row', { name: /^Variable STAGE/ }).getByRole('cell')).toHaveText(['three', 'Not set']);
    await expect(diff.getByRole('row')).toHaveCount(3);
    await expectAccessible(page);
  }
  await panel.getByRole('button', { name: 'Roll back to shop-001' }).click();
  await expect(page).toHaveURL(/\/services\/shop\/tasks\/[1-9]\d*$/);
  await outcome(page, 'Deployed: shop-001 is online with all the traffic.');
  return made;
}

test('roll back from the versions list after reviewing the diff: 100 % on the target', async ({ page, context }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const { domain } = await rollBackToFirst(page, 'rel-rollback', true);
  await expect(page.getByTestId('online-version')).toHaveCount(1);
  await expect(page.getByTestId('online-version')).toContainText('shop-001');
  await expect(page.getByTestId('online-version')).toContainText('nginx:1.27');
  await expect(page.getByTestId('online-version')).toContainText('Traffic 100%');
  // Its newest record carries the traffic; going forward again is an update, said so.
  const rows = page.getByTestId('record-traffic');
  await expect(rows.first()).toHaveText('100%', { useInnerText: true });
  await expect(versionRow(page, 'shop-001').first()).toContainText('Deployed');
  const forward = page.getByRole('button', { name: 'Roll back to shop-003' });
  await expect(forward).toBeDisabled();
  await expect(forward).toHaveAccessibleDescription(
    'Newer than shop-001, the online version: going forward is an update, not a rollback.',
  );
  // The gateway serves shop-001's frozen configuration: no STAGE.
  const { counts, env } = await served(context, domain, 20);
  expect(counts).toEqual({ 'shop-001': 20 });
  expect(env.STAGE).toBeUndefined();
});

test('after a rollback the settings page shows where the running configuration differs', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await rollBackToFirst(page, 'rel-differs', false);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Settings' }).click();
  const differs = page.getByTestId('running-differs');
  await expect(differs).toContainText('After a rollback the service runs an older version');
  const table = differs.getByRole('table', { name: 'Where shop-001, running now, differs from the settings' });
  await expect(table.getByRole('columnheader')).toHaveText(['Setting', 'Running now (shop-001)', 'Settings (next update)']);
  await expect(table.getByRole('row', { name: /^Variable STAGE/ }).getByRole('cell')).toHaveText(['Not set', 'three']);
  // The form holds the settings, which the next save sends.
  await expect(page.getByLabel('Name of variable 1', { exact: true })).toHaveValue('STAGE');
  await expect(page.getByLabel('Value of variable 1', { exact: true })).toHaveValue('three');
  await expect(page.getByRole('button', { name: 'Save and deploy' })).toBeEnabled();
  await expectAccessible(page);
});

test('a viewer sees every release action disabled, with the reason', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Username').fill('rhea');
  await page.getByLabel('Display name').fill('Rhea Reader');
  await page.getByLabel('Initial password').fill('initial-pass-1');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('row', { name: /@rhea/ })).toBeVisible();

  const { env, servicePage } = await serviceOnline(page, 'rel-viewer');
  await update(page);
  await outcome(page, 'Deployed: shop-002 is online with all the traffic.');
  await update(page, { gray: true });
  await outcome(page, 'Deployed for a gray release: shop-003 is online');
  await page.goto(`/envs/${env}/members`);
  await page.getByLabel('Username').fill('rhea');
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('row', { name: /@rhea/ })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();

  await signIn(page, 'rhea', 'initial-pass-1');
  await page.getByLabel('Current password').fill('initial-pass-1');
  await page.getByLabel('New password', { exact: true }).fill('rheas-own-password-1');
  await page.getByLabel('New password again').fill('rheas-own-password-1');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await page.goto(servicePage);
  const reason = `Needs the developer role in ${env}.`;
  // A description that also says what the control does contains the reason.
  const withReason = new RegExp(reason.replace(/\./g, '\\.'));

  // The update form.
  const form = page.getByRole('form', { name: 'Deploy a new version' });
  const deploy = form.getByRole('button', { name: 'Deploy', exact: true });
  await expect(deploy).toBeDisabled();
  await expect(deploy).toHaveAccessibleDescription(withReason);
  await expect(form.locator('#redeploy-why')).toHaveText(reason);
  await expect(form.getByRole('radio', { name: 'Gray release' })).toBeDisabled();

  // The traffic panel of the open gray release.
  const panel = page.getByTestId('traffic');
  await expect(panel.getByTestId('traffic-now')).toContainText('shop-003 (new)0%');
  await expect(panel.locator('#gray-split-why')).toHaveText(reason);
  await expect(panel.locator('#gray-end-why')).toHaveText(reason);
  await expect(panel.getByRole('slider', { name: 'Traffic to shop-003 (%)' })).toBeDisabled();
  await expect(panel.getByRole('slider', { name: 'Traffic to shop-003 (%)' })).toHaveAccessibleDescription(reason);
  for (const p of ['1%', '5%', '10%', '25%', '50%', '100%']) {
    await expect(panel.getByRole('group', { name: 'Presets' }).getByRole('button', { name: p, exact: true })).toBeDisabled();
  }
  await expect(panel.getByRole('button', { name: 'Apply', exact: true })).toBeDisabled();
  for (const name of ['Finish: all traffic to shop-003', 'Abandon: take shop-003 offline']) {
    const button = panel.getByRole('button', { name });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAccessibleDescription(withReason);
  }
  // The rule editor too; the tester stays open to anyone.
  await panel.getByRole('radio', { name: 'By URL parameter' }).check();
  await expect(panel.getByRole('button', { name: 'Apply the rule' })).toBeDisabled();
  await expect(panel.getByLabel('Parameter name')).toBeDisabled();
  await expect(panel.getByLabel('Which version serves this URL?')).toBeEnabled();
  await expectAccessible(page);

  // Rolling back.
  await expect(page.locator('#rollback-why')).toHaveText(`Roll back: ${reason}`);
  const rollback = page.getByRole('button', { name: 'Roll back to shop-001' });
  await expect(rollback).toBeDisabled();
  await expect(rollback).toHaveAccessibleDescription(`Roll back: ${reason}`);

  // The settings.
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Settings' }).click();
  const save = page.getByRole('button', { name: 'Save and deploy' });
  await expect(save).toBeDisabled();
  await expect(page.locator('#settings-why')).toHaveText(reason);
  await expect(save).toHaveAccessibleDescription(withReason);
  await expect(page.getByRole('button', { name: 'Add variable' })).toBeDisabled();
  await expectAccessible(page);
});

test('the timeline lists the gray release, its end and the rollback, with who did each', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  await serviceOnline(page, 'rel-timeline');
  await update(page, { gray: true });
  await outcome(page, 'Deployed for a gray release: shop-002 is online');
  // 100 % on the slider ends the release: it says so, and leaves it to the one Finish, confirmed.
  const panel = page.getByTestId('traffic');
  await panel.getByRole('group', { name: 'Presets' }).getByRole('button', { name: '100%', exact: true }).click();
  await expect(panel.getByText('At 100% the gray release ends: shop-002 gets all the traffic')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Apply', exact: true })).toHaveCount(0);
  await panel.getByRole('button', { name: 'Finish: all traffic to shop-002' }).click();
  await panel.getByRole('group', { name: /^Finish the gray release\?/ }).getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('The gray release is finished: shop-002 has all the traffic.')).toBeVisible();
  await page.getByRole('button', { name: 'Roll back to shop-001' }).click();
  await page.getByTestId('rollback').getByRole('button', { name: 'Roll back to shop-001' }).click();
  await outcome(page, 'Deployed: shop-001 is online with all the traffic.');

  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Timeline' }).click();
  const events = page.getByTestId('timeline').getByRole('listitem');
  const event = (kind: string) => events.filter({ has: page.getByText(kind, { exact: true }) });
  await expect(event('Rollback started')).toContainText('by admin');
  await expect(event('Rollback started')).toContainText('shop-001');
  await expect(event('Gray release finished')).toContainText('by admin');
  await expect(event('Gray release started')).toContainText('by admin');
  await expect(event('Deploy started')).toContainText('by admin');
  // Newest first.
  const kinds = await events.locator('strong').allTextContents();
  const at = (kind: string) => kinds.indexOf(kind);
  expect(at('Rollback started')).toBeGreaterThanOrEqual(0);
  expect(at('Rollback started')).toBeLessThan(at('Gray release finished'));
  expect(at('Gray release finished')).toBeLessThan(at('Gray release started'));
  expect(at('Gray release started')).toBeLessThan(at('Deploy started'));
  await expectAccessible(page);
});
