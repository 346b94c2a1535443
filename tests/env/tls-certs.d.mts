/** Paths of the PEM files made by makeTlsCerts. */
export interface TlsCerts {
  dir: string;
  /** The CA that signed the server's and the client's certificates. */
  ca: string;
  serverCert: string;
  serverKey: string;
  /** A client certificate from `ca`, and its key. */
  cert: string;
  key: string;
  /** `key`'s certificate from `ca`, already expired. */
  expiredCert: string;
  /** Another CA, and a client certificate (with its key) that it signed. */
  otherCa: string;
  otherCert: string;
  otherKey: string;
}

export function makeTlsCerts(dir: string, run: (cmd: string, args: string[]) => Promise<unknown>): Promise<TlsCerts>;
