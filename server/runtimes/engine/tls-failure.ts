/**
 * Why a TLS connection to an engine failed, in one sentence that says what
 * to fix, from Node's (and Deno's, which uses the same codes) TLS errors.
 * dockerd answers every refused client certificate with the same alert (bad
 * certificate), so which of ours it was is told from our own files.
 */
import { X509Certificate } from 'node:crypto';
import type { TlsMaterial } from '../../core/engine-endpoint.ts';
import { EngineTransportError } from './transport-error.ts';

/** Our check of the engine's certificate failed: it is not from the CA we were given. */
const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

/** The TLS error as one sentence (an {@link EngineTransportError}); any other error is returned unchanged. */
export function explainTlsError(error: Error, target: string, tls: TlsMaterial, now: number = Date.now()): Error {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const sentence = tlsSentence(code, error.message, target, tls, now);
  return sentence === null ? error : new EngineTransportError(sentence);
}

function tlsSentence(code: string, message: string, target: string, tls: TlsMaterial, now: number): string | null {
  if (UNTRUSTED_CODES.has(code)) {
    return `the certificate of the engine at ${target} is not signed by the CA in ${tls.source} (${code}); give the CA that signed the engine's certificate`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the certificate of the engine at ${target} is not made out for that host (${message}); use a name it lists, or reissue it`;
  if (code === 'CERT_HAS_EXPIRED') return `the certificate of the engine at ${target} has expired; renew it on the engine`;
  if (code === 'CERT_NOT_YET_VALID') return `the certificate of the engine at ${target} is not valid yet; check this machine's clock and the engine's`;
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_EXPIRED|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)/.test(code)) {
    return refusedClient(target, tls, now, code);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(message)) {
    return `the engine at ${target} does not speak TLS on that port; check the port, or give no TLS files for a plain engine`;
  }
  return /^ERR_(SSL|TLS)_/.test(code) ? `TLS to the engine at ${target} failed: ${code} (${message.split('\n')[0]})` : null;
}

/** The engine refused our side of the handshake: no certificate, an expired one, or one from a CA it does not trust. */
function refusedClient(target: string, tls: TlsMaterial, now: number, code: string): string {
  if (tls.cert === null) {
    return `the engine at ${target} requires a client certificate and none is given; add one and its key ("cert" and "key" in the slots file, cert.pem and key.pem in DOCKER_CERT_PATH, or cert= and key= in the docker context)`;
  }
  const validTo = clientCertificateEnd(tls.cert);
  if (validTo !== null && validTo < now) {
    return `the engine at ${target} refused our client certificate: it expired on ${new Date(validTo).toISOString()}; make a new one from the engine's CA`;
  }
  return `the engine at ${target} refused our client certificate (${code}): it is not signed by a CA the engine trusts; use a certificate from the engine's CA`;
}

function clientCertificateEnd(pem: string): number | null {
  try {
    return Date.parse(new X509Certificate(pem).validTo);
  } catch {
    // Checked at start; a certificate that no longer parses says nothing about dates.
    return null;
  }
}
