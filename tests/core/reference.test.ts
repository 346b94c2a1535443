import { describe, expect, it } from 'vitest';
import { parseImageReference, referenceProblem } from '../../server/core/reference.ts';

describe('parseImageReference', () => {
  it('adds latest when neither tag nor digest is written', () => {
    const ref = parseImageReference('nginx');
    expect(ref).toMatchObject({ name: 'nginx', tag: 'latest', digest: null, pullTag: 'latest', explicit: 'nginx:latest' });
    expect(ref.key).toBe('docker.io/library/nginx:latest');
  });

  it('gives one key to the spellings of one image', () => {
    const keys = ['nginx', 'nginx:latest', 'docker.io/library/nginx:latest', 'library/nginx'].map((r) => parseImageReference(r).key);
    expect(new Set(keys).size).toBe(1);
  });

  it('keeps a registry host with a port apart from a tag', () => {
    const ref = parseImageReference('127.0.0.1:5000/feas/multi:1');
    expect(ref).toMatchObject({ name: '127.0.0.1:5000/feas/multi', tag: '1', key: '127.0.0.1:5000/feas/multi:1' });
    expect(parseImageReference('localhost/app').key).toBe('localhost/app:latest');
  });

  it('asks for the digest when there is one', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const ref = parseImageReference(`ghcr.io/acme/server:1.0@${digest}`);
    expect(ref).toMatchObject({ tag: '1.0', digest, pullTag: digest, explicit: `ghcr.io/acme/server@${digest}` });
  });

  it.each([
    ['', 'is empty'],
    ['-rm', 'must not start with "-"'],
    ['Upper/Case', 'is not an OCI reference'],
    ['a b', 'is not an OCI reference'],
    ['x:', 'is not an OCI reference'],
    [`x@sha256:${'a'.repeat(63)}`, 'is not an OCI reference'],
    [`x/${'a'.repeat(520)}`, 'longer than 512'],
    ['ghcr.io/acme/x;rm -rf /', 'is not an OCI reference'],
  ])('refuses %j', (raw, words) => {
    expect(referenceProblem(raw)).toContain(words);
    expect(() => parseImageReference(raw)).toThrow(words);
  });
});
