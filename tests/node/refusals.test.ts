/** What the Node entry answers for requests Node refuses: the envelope, in every case, with words that say what to do. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ECHO_LENGTH } from '../../server/http/errors.ts';
import { ErrorSchema } from '../../server/http/schemas.ts';
import { adapterRefusal, CONNECT_REFUSAL, EXPECTATION_REFUSAL, parserRefusal, rawRefusal, type ParserError } from '../../server/node/refusals.ts';

const parserError = (code: string, reason: string): ParserError => Object.assign(new Error(`Parse Error: ${reason}`), { code, reason });

describe('refusals', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'validation.too_large'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'validation.too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request.timeout'],
    ['HPE_INVALID_METHOD', 400, 'validation.invalid'],
    ['HPE_INVALID_URL', 400, 'validation.invalid'],
    ['HPE_INVALID_TRANSFER_ENCODING', 400, 'validation.invalid'],
    ['HPE_SOMETHING_NEW', 400, 'validation.invalid'],
  ])('answers the parser error %s with %i %s, naming it', (code, status, errorCode) => {
    const refusal = parserRefusal(parserError(code, 'Some words'));
    expect(refusal.status).toBe(status);
    expect(refusal.code).toBe(errorCode);
    expect(refusal.details).toEqual({ parser: code, reason: 'Some words' });
    expect(refusal.message).toMatch(/^The request could not be parsed \(Some words\): \S/);
  });

  it('clips whatever a parser error says (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), (reason) => {
        const refusal = parserRefusal(parserError('HPE_X', reason));
        expect((refusal.details.reason as string).length).toBeLessThanOrEqual(MAX_ECHO_LENGTH + 1);
      }),
    );
  });

  it('tells a bad Host from a bad target where the adapter can, and a bug from both', () => {
    const requestError = (message: string) => Object.assign(new Error(message), { name: 'RequestError' });
    expect(adapterRefusal(requestError('Missing host header'))).toMatchObject({ status: 400, details: { field: 'Host' } });
    expect(adapterRefusal(requestError('Invalid URL'))).toMatchObject({ status: 400, details: { field: 'Host, target', reason: 'Invalid URL' } });
    expect(adapterRefusal(new TypeError('x is not a function'))).toMatchObject({ status: 500, code: 'system.internal' });
  });

  it('writes a whole HTTP/1.1 answer: status line, length, request id, Allow, Connection: close, the envelope', () => {
    const raw = rawRefusal(CONNECT_REFUSAL, 'req-1').toString('utf8');
    const [head, body] = raw.split('\r\n\r\n') as [string, string];
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 405 Method Not Allowed',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'X-Request-Id: req-1',
      'Allow: GET, HEAD, POST, DELETE, OPTIONS',
      'Connection: close',
    ]);
    expect(ErrorSchema.parse(JSON.parse(body)).error).toMatchObject({ code: 'route.method_not_allowed', details: { method: 'CONNECT', request_id: 'req-1' } });
  });

  it('says what to do about Expect', () => {
    expect(EXPECTATION_REFUSAL).toMatchObject({ status: 417, code: 'validation.invalid', details: { field: 'Expect' } });
    expect(EXPECTATION_REFUSAL.message).toContain('100-continue');
  });
});
