import { test, expect, expectAccessible, signIn, createEnv } from './fixtures';
import type { Page } from '@playwright/test';

const INITIAL = 'initial-pass-1';
const OWN = 'their-own-password-1';


async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();
}

/** First sign-in of an admin-created account: the temporary password must go. */
async function firstSignIn(page: Page, username: string) {
  await signIn(page, username, INITIAL);
  await expect(page.getByText('Choose your own password before you continue')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Current password').fill(INITIAL);
  await page.getByLabel('New password', { exact: true }).fill(OWN);
  await page.getByLabel('New password again').fill(OWN);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
}

test('an admin sets up a team; the developer and the viewer see exactly what they may do, and why not', async ({ page, watch }) => {
  // The developer's visit to a foreign environment is refused (403): that is the point there.
  watch.allow.push(/status of 403 .*\/api\/(cloud\/tcbr\/DescribeEnvBaseInfo|envs\/secret-[a-z0-9]+\/access)\]/);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();

  // Users.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  // "Add user" is never disabled without a word: a submit says what is missing.
  const add = page.getByRole('button', { name: 'Add user' });
  await expect(add).toBeEnabled();
  await add.click();
  await expect(page.getByLabel('Username')).toBeFocused();
  await expect(page.locator('#new-username-error')).toHaveText('Enter a username.');
  await expect(page.locator('.error-summary')).toContainText('Initial password: At least 10 characters.');
  for (const [username, name] of [['dana', 'Dana Developer'], ['vic', 'Vic Viewer']]) {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Display name').fill(name);
    await page.getByLabel('Initial password').fill(INITIAL);
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByRole('row', { name: new RegExp(`@${username}`) })).toContainText('Must change password');
  }
  await expectAccessible(page);
  // Disabling asks first; cancelling leaves the user as they were.
  const danaRow = page.getByRole('row', { name: /@dana/ });
  await danaRow.getByRole('button', { name: 'Disable dana' }).click();
  const ask = danaRow.getByRole('group', { name: /^Disable dana\?/ });
  await expect(ask).toContainText('Their sessions end and they cannot sign in until enabled again.');
  await expectAccessible(page);
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  await expect(danaRow).toContainText('Must change password');

  // Two environments; the team gets one of them.
  const secret = await createEnv(page, 'secret', /Beijing/);
  const prod = await createEnv(page, 'team-prod', /Shanghai/);
  await page.getByRole('navigation', { name: 'Environment sections' }).getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
  for (const [username, role] of [['dana', 'developer'], ['vic', 'viewer']]) {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Role', { exact: true }).selectOption(role);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('row', { name: new RegExp(`@${username}`) })).toBeVisible();
  }
  await expectAccessible(page);
  // A role change is asked first: cancelled, the select goes back; confirmed, it is applied.
  const vicRole = page.getByLabel('Role of Vic Viewer');
  await vicRole.selectOption('owner');
  const change = page.getByRole('group', { name: 'Change the role of Vic Viewer from Viewer to Owner?' });
  await expect(change).toBeVisible();
  await expectAccessible(page);
  await change.getByRole('button', { name: 'Cancel' }).click();
  await expect(change).toBeHidden();
  await expect(vicRole).toHaveValue('viewer');
  await page.reload();
  await expect(page.getByLabel('Role of Vic Viewer')).toHaveValue('viewer');
  await page.getByLabel('Role of Vic Viewer').selectOption('developer');
  // Reload only once the change is saved.
  const saved = () => page.waitForResponse((r) => r.url().includes('/members/') && r.request().method() === 'PUT');
  await Promise.all([
    saved(),
    page.getByRole('group', { name: /from Viewer to Developer/ }).getByRole('button', { name: 'Confirm' }).click(),
  ]);
  await expect(page.getByRole('group', { name: /from Viewer to Developer/ })).toBeHidden();
  await page.reload();
  await expect(page.getByLabel('Role of Vic Viewer')).toHaveValue('developer');
  await page.getByLabel('Role of Vic Viewer').selectOption('viewer');
  await Promise.all([
    saved(),
    page.getByRole('group', { name: /from Developer to Viewer/ }).getByRole('button', { name: 'Confirm' }).click(),
  ]);
  await page.reload();
  await expect(page.getByLabel('Role of Vic Viewer')).toHaveValue('viewer');
  // So is a removal.
  await page.getByRole('button', { name: 'Remove vic' }).click();
  const removal = page.getByRole('group', { name: `Remove Vic Viewer from ${prod}? They lose access to it at once.` });
  await expect(removal).toBeVisible();
  await removal.getByRole('button', { name: 'Cancel' }).click();
  await expect(removal).toBeHidden();
  await expect(page.getByRole('row', { name: /@vic/ })).toBeVisible();

  // The admin's audit log saw all of it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('cell', { name: 'AddMember' }).first()).toBeVisible();
  await expectAccessible(page);
  await signOut(page);

  // The developer: works in team-prod, but members are read-only, with the reason.
  await firstSignIn(page, 'dana');
  await expect(page.getByRole('link', { name: 'team-prod' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'secret' })).toHaveCount(0);
  await page.getByRole('link', { name: 'team-prod' }).click();
  await expect(page.getByTestId('my-role')).toHaveText('Developer');
  await expect(page.getByTestId('env-region')).toHaveText('Shanghai (ap-shanghai)');
  await page.getByRole('navigation', { name: 'Environment sections' }).getByRole('link', { name: 'Members' }).click();
  const reason = `Needs the owner role in ${prod}.`;
  await expect(page.locator('#members-why')).toHaveText(reason);
  await expect(page.getByRole('button', { name: 'Add', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Add', exact: true })).toHaveAccessibleDescription(reason);
  await expect(page.getByRole('button', { name: 'Remove vic' })).toBeDisabled();
  await expectAccessible(page);
  // A foreign environment does not exist for them.
  await page.goto(`/envs/${secret}`);
  await expect(page.getByRole('heading', { name: 'This environment does not exist, or you are not a member of it.' })).toBeVisible();
  await signOut(page);

  // The viewer: every control that changes something is disabled, with the reason.
  await firstSignIn(page, 'vic');
  await expect(page.getByRole('button', { name: 'Create environment' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Create environment' })).toHaveAccessibleDescription(
    'Only platform administrators can create environments.',
  );
  await expect(page.getByRole('link', { name: 'secret' })).toHaveCount(0);
  await page.getByRole('link', { name: 'team-prod' }).click();
  await expect(page.getByTestId('my-role')).toHaveText('Viewer');
  const del = page.getByRole('button', { name: 'Delete environment' });
  await expect(del).toBeDisabled();
  await expect(del).toHaveAccessibleDescription(reason);
  await expect(page.getByLabel('Type the environment ID to confirm')).toBeDisabled();
  await expectAccessible(page);
  await page.getByRole('navigation', { name: 'Environment sections' }).getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('button', { name: 'Add', exact: true })).toBeDisabled();
  await expect(page.getByLabel('Role of Dana Developer')).toBeDisabled();
  await page.getByRole('navigation', { name: 'Environment sections' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.locator('#audit-why')).toHaveText(reason);
  await expectAccessible(page);

  // Their own account: sessions, with this one marked.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('cell', { name: 'This session' })).toBeVisible();
  await expectAccessible(page);
});
