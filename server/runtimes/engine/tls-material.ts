/**
 * The CA, client certificate and key of a TLS engine, read and checked at
 * start: a missing file, a key that is not the certificate's, or a
 * certificate out of its dates can never work, so it stops the server with
 * one line instead of failing every request later.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TlsMaterial, TlsPaths } from '../../core/engine-endpoint.ts';

/** Reads the files and checks them against each other and the clock; throws one line naming the file and the fix. */
export async function loadTlsMaterial(paths: TlsPaths, source: string, now: number = Date.now()): Promise<TlsMaterial> {
  // One after another, so that of several missing files the message always names the first.
  const ca = await readPem(paths.ca, 'CA certificate');
  const cert = paths.cert === null ? null : await readPem(paths.cert, 'client certificate');
  const key = paths.key === null ? null : await readPem(paths.key, 'client key');
  checkDates(certificate(ca, paths.ca, 'CA certificate'), paths.ca, 'CA certificate', now);
  if (cert !== null && key !== null && paths.cert !== null && paths.key !== null) {
    const client = certificate(cert, paths.cert, 'client certificate');
    checkDates(client, paths.cert, 'client certificate', now);
    let matches: boolean;
    try {
      matches = client.checkPrivateKey(createPrivateKey(key));
    } catch (error) {
      throw new Error(`${paths.key} is not a PEM private key (${(error as Error).message})`);
    }
    if (!matches) throw new Error(`${paths.key} is not the key of the client certificate ${paths.cert}; give the key it was made with`);
  }
  return { ca, cert, key, source };
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new Error(`cannot read the ${what} ${path} (${why})`);
  }
}

function certificate(pem: string, path: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new Error(`${path} is not a PEM ${what} (${(error as Error).message})`);
  }
}

function checkDates(cert: X509Certificate, path: string, what: string, now: number): void {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (now > to) throw new Error(`the ${what} ${path} expired on ${new Date(to).toISOString()}; make a new one`);
  if (now < from) throw new Error(`the ${what} ${path} is valid only from ${new Date(from).toISOString()}; check this machine's clock or make a new one`);
}
