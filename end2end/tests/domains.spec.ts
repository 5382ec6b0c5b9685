import { test, expect, expectAccessible, signIn, createEnv, createService } from './fixtures';
import { makeCertificate, servedFingerprint } from './certs';

// Custom domains (issue 11): bind a domain over HTTPS with a certificate made
// as a user makes one, see the parsed certificate and the CNAME record, open
// the domain over real TLS in Chromium (the certificate checked where it is
// served), renew the certificate in place, and unbind.

test.use({ screenshot: 'only-on-failure', ignoreHTTPSErrors: true });

const DOMAIN = 'shop.e2e.test';

test('bind a domain over HTTPS, open it, renew its certificate in place, unbind it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Environments', level: 1 })).toBeVisible();
  const env = await createEnv(page, 'dom', /Guangzhou/);
  await createService(page, env, 'shop');
  await page.goto(`/envs/${env}/services/shop`);
  await page.getByRole('link', { name: 'Domains' }).click();
  await expect(page.getByTestId('domains-empty')).toBeVisible();
  await expectAccessible(page);

  // The form: the name is checked as it is typed, HTTPS comes preselected.
  await page.getByRole('button', { name: 'Add a domain' }).first().click();
  const form = page.getByTestId('domain-add-form');
  await form.getByLabel('Domain name').fill('-bad-.e2e.test');
  await expect(form).toContainText("must not start or end with '-'");
  await form.getByLabel('Domain name').fill(DOMAIN);
  await expect(form.getByRole('radio', { name: 'HTTPS only' })).toBeChecked();
  await expect(form.getByTestId('domain-submit')).toBeDisabled();

  // A certificate for another name is shown with what is wrong with it.
  const wrong = makeCertificate('other.e2e.test');
  await form.getByTestId('cert-pem').fill(wrong.cert);
  await form.getByTestId('key-pem').fill(wrong.key);
  await expect(form.getByTestId('cert-covers')).toHaveText('No');
  await expect(form.getByTestId('domain-submit')).toBeDisabled();

  // The right one: subject, names, validity, coverage and the key's match.
  const first = makeCertificate(DOMAIN);
  await form.getByTestId('cert-pem').fill(first.cert);
  await form.getByTestId('key-pem').fill(first.key);
  await expect(form.getByTestId('cert-covers')).toHaveText('Yes');
  await expect(form.getByTestId('cert-key-matches')).toHaveText('Yes');
  await expect(form.getByTestId('cert-names')).toContainText(DOMAIN);
  await expect(form.getByTestId('cert-validity')).toContainText(/(89|90) day/);
  await expectAccessible(page);
  await form.getByTestId('domain-submit').click();

  // Bound: the CNAME record to create, copyable, and the DNS status.
  const row = page.locator(`[data-testid="domain-row"][data-domain="${DOMAIN}"]`);
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row.getByTestId('cname-host')).toHaveText(DOMAIN);
  const cname = (await row.getByTestId('cname-value').textContent())!.trim();
  expect(cname).toMatch(/\S+\.\S+/);
  await row.getByTestId('cname-copy').click();
  await expect(row.getByTestId('cname-copied')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(cname);
  // This machine's resolver does not know the test's domain: whatever it
  // answers, the status is one the console explains.
  await expect(row.getByTestId('dns-status')).toHaveAttribute('data-status', /^(OK|EMPTY|INVALID|UNRESOLVED)$/);
  await row.getByTestId('dns-check').click();
  await expect(row.getByTestId('dns-status')).toHaveAttribute('data-status', /^(OK|EMPTY|INVALID|UNRESOLVED)$/);
  await expectAccessible(page);

  // Over real TLS: the gateway presents the uploaded certificate for the
  // name, and the service answers in Chromium.
  const tlsAddr = process.env.GATEWAY_TLS_ADDR!;
  expect(await servedFingerprint(tlsAddr, DOMAIN)).toBe(first.fingerprint);
  const port = tlsAddr.slice(tlsAddr.lastIndexOf(':') + 1);
  const site = await context.newPage();
  const answer = await site.goto(`https://${DOMAIN}:${port}/`);
  expect(answer!.status()).toBe(200);
  expect(answer!.headers()['x-localcloud-version']).toBe('shop-001');
  expect((await answer!.securityDetails())?.subjectName).toBe(DOMAIN);
  await site.close();

  // Renewed in place: the binding stays, the next handshake gets the new one.
  const renewed = makeCertificate(DOMAIN, 365);
  await row.getByRole('button', { name: `Edit ${DOMAIN}` }).click();
  const edit = page.getByTestId('domain-edit-form');
  await edit.getByTestId('cert-pem').fill(renewed.cert);
  await edit.getByTestId('key-pem').fill(renewed.key);
  await expect(edit.getByTestId('cert-key-matches')).toHaveText('Yes');
  await edit.getByTestId('domain-submit').click();
  await expect(edit).toBeHidden({ timeout: 15_000 });
  await expect(row.getByTestId('domain-cert-validity')).toContainText(/36[345] day/);
  await expect.poll(() => servedFingerprint(tlsAddr, DOMAIN)).toBe(renewed.fingerprint);

  // Unbound, after a confirmation: gone from the list and from the gateway.
  await row.getByRole('button', { name: `Unbind ${DOMAIN}` }).click();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('domains-empty')).toBeVisible({ timeout: 15_000 });
  await expect(servedFingerprint(tlsAddr, DOMAIN)).rejects.toThrow();

  // Leave no environment behind: the environments test starts from none.
  const cloud = (action: string, data: object) =>
    page.request.post(`/api/cloud/${action}`, { headers: { 'x-console-request': '1' }, data });
  expect((await cloud('tcbr/DeleteCloudRunServer', { EnvId: env, ServerName: 'shop' })).status()).toBe(200);
  await expect.poll(async () => (await cloud('tcb/DestroyEnv', { EnvId: env })).status()).toBe(200);
});
