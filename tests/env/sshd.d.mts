export interface SshdOptions {
  /** Variables every session gets (sshd's SetEnv), e.g. DOCKER_HOST for the remote dial-stdio, or PATH. */
  environment?: Record<string, string>;
  /** Where the temp dir is made. Default os.tmpdir(). */
  tmpRoot?: string;
}

export interface Sshd {
  dir: string;
  port: number;
  /** `ssh://root@127.0.0.1:<port>` */
  address: string;
  /** A client ssh_config (for `ssh -F`) with this server's host key in its known_hosts and the authorized key. */
  config: string;
  /** The same with another host key in known_hosts for this address. */
  wrongHostKeyConfig: string;
  /** The same with a key the server does not accept. */
  refusedKeyConfig: string;
  logFile: string;
  /** Stops the server and whatever sessions are left, and removes the dir. */
  stop(): Promise<void>;
}

export function startSshd(options?: SshdOptions): Promise<Sshd>;
