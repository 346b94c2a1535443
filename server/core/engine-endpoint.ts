/**
 * Where an engine listens: `unix:///run/podman/podman.sock` or
 * `tcp://10.0.0.12:2375` (plain HTTP). Pure: the candidates come from flags
 * and environment passed in.
 */

export type EngineEndpoint =
  | { kind: 'unix'; path: string; display: string }
  | { kind: 'tcp'; baseUrl: string; display: string };

/** Sockets tried, in order, when neither --engine nor DOCKER_HOST / CONTAINER_HOST says. */
export const DEFAULT_SOCKETS = ['/var/run/docker.sock', '/run/podman/podman.sock'] as const;

export function parseEngineEndpoint(text: string): EngineEndpoint {
  const trimmed = text.trim();
  const unix = /^unix:\/\/(\/.+)$/.exec(trimmed);
  if (unix !== null) return { kind: 'unix', path: unix[1] as string, display: trimmed };
  const tcp = /^(?:tcp|http):\/\/([^/\s]+?)\/?$/.exec(trimmed);
  if (tcp !== null) return { kind: 'tcp', baseUrl: `http://${tcp[1]}`, display: trimmed };
  throw new TypeError(
    `engine address "${text}" is not understood; write unix:///path/to/engine.sock or tcp://host:port (https is not supported)`,
  );
}

/** The engines to try for `--runtime auto|engine`, most explicit first. */
export function engineCandidates(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string[] {
  const explicit = flag ?? env.DOCKER_HOST ?? env.CONTAINER_HOST;
  if (explicit !== undefined && explicit !== '') return [explicit];
  const userSocket = env.XDG_RUNTIME_DIR === undefined ? [] : [`${env.XDG_RUNTIME_DIR}/podman/podman.sock`];
  return [...DEFAULT_SOCKETS, ...userSocket].map((path) => `unix://${path}`);
}
