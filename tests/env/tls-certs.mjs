// Certificates for the TLS dockerd, made offline with openssl (EC P-256:
// each step takes milliseconds): a CA, the server's certificate for
// 127.0.0.1, a client certificate and its key, the same key in an expired
// certificate, and another CA with a client certificate of its own, for the
// "wrong CA" cases. Types: tls-certs.d.mts.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Days the good certificates are valid: the longest a test run could last, and then some. */
const VALID_DAYS = 2;

/**
 * @param {string} dir an empty directory to write the files in
 * @param {(cmd: string, args: string[]) => Promise<unknown>} run runs one command to completion (rejects on failure)
 * @returns {Promise<import('./tls-certs.d.mts').TlsCerts>}
 */
export async function makeTlsCerts(dir, run) {
  const file = (/** @type {string} */ name) => join(dir, name);
  const openssl = (/** @type {string[]} */ args) => run('openssl', args);
  const newKey = (/** @type {string} */ name) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(name)]);
  const newCa = async (/** @type {string} */ name, /** @type {string} */ cn) => {
    await newKey(`${name}-key.pem`);
    await openssl(['req', '-x509', '-new', '-key', file(`${name}-key.pem`), '-subj', `/CN=${cn}`, '-days', String(VALID_DAYS), '-out', file(`${name}.pem`)]);
  };
  /** A certificate for `key` signed by `ca`, valid for `days` (negative: already expired); serials are random, so signing runs in parallel. */
  const sign = async (/** @type {{ key: string, ca: string, cn: string, ext: string, days: number, out: string }} */ { key, ca, cn, ext, days, out }) => {
    const csr = file(`${out}.csr`);
    const extFile = file(`${out}.ext`);
    writeFileSync(extFile, `${ext}\n`);
    await openssl(['req', '-new', '-key', file(key), '-subj', `/CN=${cn}`, '-out', csr]);
    await openssl(['x509', '-req', '-in', csr, '-CA', file(`${ca}.pem`), '-CAkey', file(`${ca}-key.pem`), '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', String(days), '-extfile', extFile, '-out', file(out)]);
  };

  await Promise.all([newCa('ca', 'slotpull test CA'), newCa('other-ca', 'another CA'), newKey('server-key.pem'), newKey('key.pem'), newKey('other-key.pem')]);
  const server = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth';
  const client = 'extendedKeyUsage=clientAuth';
  await Promise.all([
    sign({ key: 'server-key.pem', ca: 'ca', cn: '127.0.0.1', ext: server, days: VALID_DAYS, out: 'server-cert.pem' }),
    sign({ key: 'key.pem', ca: 'ca', cn: 'slotpull', ext: client, days: VALID_DAYS, out: 'cert.pem' }),
    // -days -1: notAfter is a day before notBefore, so the certificate is out of date now.
    sign({ key: 'key.pem', ca: 'ca', cn: 'slotpull (expired)', ext: client, days: -1, out: 'expired-cert.pem' }),
    sign({ key: 'other-key.pem', ca: 'other-ca', cn: 'slotpull (other CA)', ext: client, days: VALID_DAYS, out: 'other-cert.pem' }),
  ]);
  return {
    dir,
    ca: file('ca.pem'),
    serverCert: file('server-cert.pem'),
    serverKey: file('server-key.pem'),
    cert: file('cert.pem'),
    key: file('key.pem'),
    expiredCert: file('expired-cert.pem'),
    otherCa: file('other-ca.pem'),
    otherCert: file('other-cert.pem'),
    otherKey: file('other-key.pem'),
  };
}
