import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway self-signed certificate for 127.0.0.1, made once per process with the openssl
 * command. The stand-in serves HTTPS because kubectl never sends a bearer token over plain
 * HTTP, and client-node refuses http:// servers unless TLS checks are switched off.
 */
export interface TlsMaterial {
  cert: string;
  key: string;
}

let made: TlsMaterial | undefined;

export function loopbackCertificate(): TlsMaterial {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), 'kube-stand-in-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
        '-subj', '/CN=kube-apiserver-stand-in', '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'pipe', timeout: 30_000 },
    );
    made = { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
    return made;
  } catch (e) {
    throw new Error(`the Kubernetes API stand-in needs the openssl command to make its TLS certificate: ${(e as Error).message}`, { cause: e });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
