// Starts the real console binary for the suite and stops it afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
    rmSync(data, { recursive: true, force: true });
  };
}
