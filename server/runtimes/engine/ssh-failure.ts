/**
 * Why an ssh connection to an engine ended, in one sentence, from ssh's and
 * the remote shell's own words on stderr and the exit code. Pure.
 */

/** Characters of a remote line quoted in a sentence. */
const QUOTED_CHARS = 200;

const CAUSES: readonly { pattern: RegExp; sentence: (target: string, line: string) => string }[] = [
  {
    pattern: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/,
    sentence: (target) =>
      `the host key of ${target} does not match the one in known_hosts, so ssh refused to connect (another machine may be answering, or the host was reinstalled); check it, then correct known_hosts`,
  },
  {
    pattern: /Host key verification failed|No \S+ host key is known/,
    sentence: (target) => `the host key of ${target} is not in known_hosts and slotpull never accepts one unasked; add it once (ssh-keyscan, or one interactive ssh)`,
  },
  {
    pattern: /Permission denied/,
    sentence: (target) => `${target} refused our ssh key (Permission denied); add the key to authorized_keys there, or load the right one into ssh-agent`,
  },
  {
    pattern: /Connection refused/,
    sentence: (target) => `nothing accepts ssh connections at ${target} (Connection refused)`,
  },
  {
    pattern: /Could not resolve hostname/,
    sentence: (target) => `the host of ${target} has no address (Could not resolve hostname)`,
  },
  {
    pattern: /Connection timed out|Operation timed out|timed out during banner exchange/,
    sentence: (target) => `ssh to ${target} timed out`,
  },
  {
    pattern: /Cannot connect to the Docker daemon|podman\.sock: connect|docker\.sock: connect|no such file or directory/i,
    sentence: (target, line) => `the engine on ${target} does not answer (the remote said: ${line})`,
  },
];

/** Exit status of a POSIX shell for "command not found". */
const NOT_FOUND_STATUS = 127;

/** One sentence for an ssh child that ended with `code` before the engine answered. */
export function explainSshFailure(stderr: string, code: number | null, target: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.replace(/^[@\s]+|[@\s]+$/g, ''))
    .filter((line) => line !== '' && !line.startsWith('Warning: Permanently added'));
  const last = (lines.at(-1) ?? '').slice(0, QUOTED_CHARS);
  if (code === NOT_FOUND_STATUS || /(docker|podman): (command )?not found/.test(stderr)) {
    return `neither docker nor podman is on the PATH of the ssh user on ${target}${last === '' ? '' : ` (the remote shell said: ${last})`}`;
  }
  for (const cause of CAUSES) if (cause.pattern.test(stderr)) return cause.sentence(target, last);
  const status = code === null ? 'was stopped' : `exited with code ${code}`;
  return `ssh to ${target} ${status}${last === '' ? '' : `: ${last}`}`;
}
