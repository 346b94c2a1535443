/** ssh's and the remote shell's words (as OpenSSH 9.2 and bash print them) → one sentence. */
import { describe, expect, it } from 'vitest';
import { explainSshFailure } from '../../../server/runtimes/engine/ssh-failure.ts';

const TARGET = 'ssh://root@127.0.0.1:2222';
const CHANGED = [
  '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
  '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
  '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
  'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
  'Offending ED25519 key in /tmp/known_hosts:1',
  'Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.',
  'Host key verification failed.',
].join('\r\n');

describe('explainSshFailure', () => {
  it.each([
    [CHANGED, 255, /^the host key of ssh:\/\/root@127\.0\.0\.1:2222 does not match the one in known_hosts/],
    ['No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n', 255, /is not in known_hosts and slotpull never accepts one unasked/],
    ['root@127.0.0.1: Permission denied (publickey).\r\n', 255, /^ssh:\/\/root@127\.0\.0\.1:2222 refused our ssh key \(Permission denied\)/],
    ['ssh: connect to host 127.0.0.1 port 2222: Connection refused\r\n', 255, /^nothing accepts ssh connections at/],
    ['ssh: Could not resolve hostname gpu9: Name or service not known\r\n', 255, /has no address/],
    ['ssh: connect to host 10.0.0.9 port 22: Connection timed out\r\n', 255, /timed out$/],
    ['bash: line 1: exec: podman: not found\n', 127, /^neither docker nor podman is on the PATH of the ssh user on ssh:\/\/root@127\.0\.0\.1:2222 \(the remote shell said: bash: line 1: exec: podman: not found\)$/],
    ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n', 1, /^the engine on ssh:\/\/.* does not answer \(the remote said: Cannot connect to the Docker daemon/],
    ['something else entirely\n', 3, /^ssh to ssh:\/\/root@127\.0\.0\.1:2222 exited with code 3: something else entirely$/],
    ['', null, /^ssh to ssh:\/\/root@127\.0\.0\.1:2222 was stopped$/],
  ])('%j (exit %s)', (stderr, code, sentence) => {
    const said = explainSshFailure(stderr, code, TARGET);
    expect(said).toMatch(sentence);
    expect(said).not.toMatch(/[\r\n]/);
  });
});
