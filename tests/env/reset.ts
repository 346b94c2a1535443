// Puts the shared engines back as global-setup.ts left them: proxy up, not
// paused, at its default rate, no containers, none of the seeded images pulled. Each
// real-engine test file calls it in beforeAll, so files do not depend on the
// order they run in or on one another's cleanup.
import type { EngineEnvInfo } from './engines.d.mts';
import { DEFAULT_RATE_BPS } from './throttle-proxy.mjs';
import { proxyClient } from './proxy-client.ts';
import { engineRequest } from './unix-http.mjs';

export async function resetEngineEnv(env: EngineEnvInfo): Promise<void> {
  const proxy = proxyClient(env.proxy.controlUrl);
  await proxy.setDown(false);
  await proxy.setPaused(false);
  await proxy.setRate(DEFAULT_RATE_BPS);
  for (const engine of [env.podman, env.docker]) {
    if (engine === undefined) continue;
    const containers = (await engineRequest({ socket: engine.socket, path: '/containers/json?all=1' })).json() as { Id: string }[];
    for (const { Id } of containers) await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/containers/${Id}?force=1` });
    for (const image of Object.values(env.images)) {
      for (const ref of [image.ref, image.proxyRef]) await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/images/${ref}?force=1` });
    }
  }
  await proxy.reset();
}
