// Starts the real console binary for the suite and stops it afterwards.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The console is started with INITIAL (as an operator would, through
// CONSOLE_ADMIN_PASSWORD), which must be changed at the first sign-in; the
// setup does that once, and the tests sign in with ADMIN_PASSWORD.
const INITIAL_ADMIN_PASSWORD = 'e2e-initial-admin-password';
export const ADMIN_PASSWORD = 'e2e-admin-password';

/** Signs the first admin in and replaces the initial password, through the API. */
async function chooseAdminPassword(url) {
  const post = (path, body, cookie) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-console-request': '1', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  const login = await post('/api/auth/login', { username: 'admin', password: INITIAL_ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`first sign-in failed: ${login.status}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const changed = await post(
    '/api/account/password',
    { current_password: INITIAL_ADMIN_PASSWORD, new_password: ADMIN_PASSWORD },
    cookie,
  );
  if (changed.status !== 200) throw new Error(`choosing the admin password failed: ${changed.status}`);
}

export default async function globalSetup() {
  const bin = process.env.CONSOLE_BIN ?? resolve('..', 'target', 'release', 'console');
  const data = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const child = spawn(bin, [], {
    env: {
      ...process.env,
      CONSOLE_ADDR: '127.0.0.1:0',
      LOCALCLOUD_ADDR: '127.0.0.1:0',
      LOCALCLOUD_GATEWAY_ADDR: '127.0.0.1:0',
      LOCALCLOUD_GATEWAY_TLS_ADDR: '127.0.0.1:0',
      CONSOLE_DATA_DIR: data,
      CONSOLE_DIST_DIR: resolve('..', 'dist'),
      CONSOLE_ADMIN_PASSWORD: INITIAL_ADMIN_PASSWORD,
      // Deploy steps long enough to watch them go by, short enough for a test.
      LOCALCLOUD_STEP_MS: '400',
      // Everything the console logs, at its most talkative, is checked below.
      RUST_LOG: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  child.stderr.on('data', (chunk) => (output += chunk.toString()));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('console did not start within 30 s')), 30_000);
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const m = seen.match(/console listening on (http:\/\/\S+)/);
      const tls = seen.match(/TLS gateway on https:\/\/(\S+)/);
      if (m && tls) {
        clearTimeout(timer);
        // Where the custom-domain test opens its domain over HTTPS.
        process.env.GATEWAY_TLS_ADDR = tls[1];
        ok(m[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`console exited early with ${code}`)));
  });
  await chooseAdminPassword(url);
  process.env.CONSOLE_URL = url;
  // Tests add the secrets they make (a certificate's private key) here, one
  // per line, so the check below looks for them in the output too.
  process.env.E2E_SECRETS_FILE = join(data, 'test-secrets.txt');
  process.env.CONSOLE_ADMIN_PASSWORD = ADMIN_PASSWORD;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((ok) => child.once('exit', ok));
    // No secret in any log line: the cloud key, the admin password, a session
    // id, a signed package-upload URL.
    const key = JSON.parse(readFileSync(join(data, 'localcloud-credentials.json'), 'utf8')).secret_key;
    const made = existsSync(process.env.E2E_SECRETS_FILE)
      ? readFileSync(process.env.E2E_SECRETS_FILE, 'utf8').split('\n').filter((l) => l.length >= 32)
      : [];
    rmSync(data, { recursive: true, force: true });
    const leaks = [
      ['the cloud secret key', key],
      ['the admin password', ADMIN_PASSWORD],
      ['the initial admin password', INITIAL_ADMIN_PASSWORD],
      ...made.map((secret) => ['a private key a test uploaded', secret]),
    ].filter(([, secret]) => output.includes(secret));
    if (/console_session=[A-Za-z0-9_-]{20,}/.test(output)) leaks.push(['a session id']);
    if (/sign=[0-9a-f]{64}/.test(output)) leaks.push(['a signed upload URL']);
    if (leaks.length) throw new Error(`secrets in the console's output: ${leaks.map(([what]) => what).join(', ')}`);
  };
}
