// Certificates for the custom-domain tests, made with openssl as a user
// would make a self-signed one, and the certificate a TLS server presents.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';

export type Made = { cert: string; key: string; fingerprint: string };

/** A P-256 certificate for `domain`, valid `days` days, and its key (PKCS#8 PEM). */
export function makeCertificate(domain: string, days = 90): Made {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', String(days),
      '-subj', `/CN=${domain}`, '-addext', `subjectAltName=DNS:${domain}`,
    ], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    // The console's output must never hold it: global-setup checks.
    const body = key.split('\n').filter((l) => l && !l.startsWith('-----'));
    appendFileSync(process.env.E2E_SECRETS_FILE!, body.join('\n') + '\n');
    return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The SHA-256 fingerprint of the certificate `addr` presents for `servername`, or the handshake's error. */
export function servedFingerprint(addr: string, servername: string): Promise<string> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}
