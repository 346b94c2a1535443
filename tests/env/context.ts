// How a real-engine test gets the environment that global-setup.ts started:
//
//   import { useEngineEnv } from '../env/context.ts';
//   const env = useEngineEnv();   // EngineEnvInfo: sockets, registry, proxy, images
//
// Only files of the vitest project "engines" (tests/engines/**/*.test.ts, see
// tests/vitest.config.ts) get it; anywhere else useEngineEnv() throws.
import { inject } from 'vitest';
import type { EngineEnvInfo } from './engines.d.mts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by tests/env/global-setup.ts for the "engines" project. */
    engineEnv: EngineEnvInfo | undefined;
  }
}

/** The environment's serializable description; throws outside the "engines" project. */
export function useEngineEnv(): EngineEnvInfo {
  const info = inject('engineEnv');
  if (!info) {
    throw new Error(
      'engineEnv was not provided: real-engine tests run in the vitest project "engines": ' +
        'npx vitest run --config tests/vitest.config.ts --project engines',
    );
  }
  return info;
}
