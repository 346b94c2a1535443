/**
 * TLS files read and checked at start (tls-material.ts), and TLS failures
 * told in one sentence (tls-failure.ts), on certificates made with openssl.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTlsMaterial } from '../../../server/runtimes/engine/tls-material.ts';
import { explainTlsError } from '../../../server/runtimes/engine/tls-failure.ts';
import { EngineTransportError } from '../../../server/runtimes/engine/transport-error.ts';
import { runTracked } from '../../env/supervisor.mjs';
import { makeTlsCerts } from '../../env/tls-certs.mjs';
import type { TlsCerts } from '../../env/tls-certs.d.mts';

let dir: string;
let certs: TlsCerts;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slotpull-tls-files-'));
  certs = await makeTlsCerts(dir, (cmd, args) => runTracked(cmd, args, {}));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadTlsMaterial', () => {
  it('reads a CA with a client certificate and its key, or a CA alone', async () => {
    const material = await loadTlsMaterial({ ca: certs.ca, cert: certs.cert, key: certs.key }, certs.ca);
    expect(material).toMatchObject({ source: certs.ca, ca: expect.stringContaining('BEGIN CERTIFICATE'), key: expect.stringContaining('PRIVATE KEY') });
    expect(await loadTlsMaterial({ ca: certs.ca, cert: null, key: null }, 'x')).toMatchObject({ cert: null, key: null });
  });

  it('refuses, naming the file: a missing file, a key of another certificate, an expired certificate, text that is no PEM', async () => {
    const load = (cert: string, key: string, ca = certs.ca) => loadTlsMaterial({ ca, cert, key }, 'x');
    await expect(load(certs.cert, join(dir, 'nope.pem'))).rejects.toThrow(`cannot read the client key ${join(dir, 'nope.pem')} (no such file)`);
    await expect(load(certs.cert, certs.otherKey)).rejects.toThrow(`${certs.otherKey} is not the key of the client certificate ${certs.cert}; give the key it was made with`);
    await expect(load(certs.expiredCert, certs.key)).rejects.toThrow(new RegExp(`^the client certificate ${certs.expiredCert} expired on \\d{4}-.*; make a new one$`));
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate\n');
    await expect(load(certs.cert, certs.key, junk)).rejects.toThrow(`${junk} is not a PEM CA certificate`);
  });

  it('refuses a certificate that is not valid yet (a clock far behind)', async () => {
    await expect(loadTlsMaterial({ ca: certs.ca, cert: certs.cert, key: certs.key }, 'x', Date.parse('2001-01-01'))).rejects.toThrow(/is valid only from .*; check this machine's clock/);
  });
});

describe('explainTlsError', () => {
  const error = (code: string, message = code) => Object.assign(new Error(message), { code });
  const caOnly = () => loadTlsMaterial({ ca: certs.ca, cert: null, key: null }, certs.ca);

  it('tells an engine certificate from another CA, the wrong host, a plain port', async () => {
    const tls = await caOnly();
    expect(explainTlsError(error('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tcp://h:2376', tls).message).toBe(
      `the certificate of the engine at tcp://h:2376 is not signed by the CA in ${certs.ca} (UNABLE_TO_VERIFY_LEAF_SIGNATURE); give the CA that signed the engine's certificate`,
    );
    expect(explainTlsError(error('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 't', tls).message).toMatch(/is not made out for that host/);
    expect(explainTlsError(error('ERR_SSL_WRONG_VERSION_NUMBER'), 't', tls).message).toMatch(/does not speak TLS on that port/);
  });

  it('tells which of our certificates the engine refused: none, an expired one, one from another CA', async () => {
    const base = await caOnly();
    const alert = error('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE');
    expect(explainTlsError(alert, 't', base).message).toMatch(/^the engine at t requires a client certificate and none is given/);
    expect(explainTlsError(alert, 't', { ...base, cert: await readFile(certs.expiredCert, 'utf8') }).message).toMatch(/^the engine at t refused our client certificate: it expired on /);
    expect(explainTlsError(alert, 't', { ...base, cert: await readFile(certs.otherCert, 'utf8') }).message).toMatch(/it is not signed by a CA the engine trusts/);
  });

  it('leaves errors that are not about TLS alone', async () => {
    const refused = error('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:2376');
    const tls = await caOnly();
    expect(explainTlsError(refused, 't', tls)).toBe(refused);
    expect(explainTlsError(error('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 't', tls)).toBeInstanceOf(EngineTransportError);
  });
});
