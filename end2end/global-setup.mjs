// Starts the real console binary for the suite and stops it afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ADMIN_PASSWORD = 'e2e-admin-password';

export default async function globalSetup() {
  const bin = process.env.CONSOLE_BIN ?? resolve('..', 'target', 'release', 'console');
  const data = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const child = spawn(bin, [], {
    env: {
      ...process.env,
      CONSOLE_ADDR: '127.0.0.1:0',
      LOCALCLOUD_ADDR: '127.0.0.1:0',
      LOCALCLOUD_GATEWAY_ADDR: '127.0.0.1:0',
      CONSOLE_DATA_DIR: data,
      CONSOLE_DIST_DIR: resolve('..', 'dist'),
      CONSOLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
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
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`console exited early with ${code}`)));
  });
  process.env.CONSOLE_URL = url;
  process.env.CONSOLE_ADMIN_PASSWORD = ADMIN_PASSWORD;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((ok) => child.once('exit', ok));
    // No secret in any log line: the cloud key, the admin password, a session
    // id, a signed package-upload URL.
    const key = JSON.parse(readFileSync(join(data, 'localcloud-credentials.json'), 'utf8')).secret_key;
    rmSync(data, { recursive: true, force: true });
    const leaks = [
      ['the cloud secret key', key],
      ['the admin password', ADMIN_PASSWORD],
    ].filter(([, secret]) => output.includes(secret));
    if (/console_session=[A-Za-z0-9_-]{20,}/.test(output)) leaks.push(['a session id']);
    if (/sign=[0-9a-f]{64}/.test(output)) leaks.push(['a signed upload URL']);
    if (leaks.length) throw new Error(`secrets in the console's output: ${leaks.map(([what]) => what).join(', ')}`);
  };
}
