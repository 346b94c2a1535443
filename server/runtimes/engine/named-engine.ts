/**
 * An engine named in the slots file (`"engines": {"gpu2": "tcp://…"}`). It
 * connects on first use and again after a failure, at most every few
 * seconds, so an engine that is down makes only its own slots `unknown` and
 * its pulls refused, and comes back by itself.
 */
import type { Clock } from '../../core/clock.ts';
import { RuntimeFailure, type ContainerRuntime } from '../../core/runtime.ts';
import type { EngineEndpoint } from '../../core/engine-endpoint.ts';
import { connectEngine, type EngineOptions, type EngineRuntime } from './engine.ts';

/** How long a failed connection is believed before the engine is asked again. */
export const RECONNECT_AFTER_MS = 3000;

export interface NamedEngine extends ContainerRuntime {
  readonly label: string;
  readonly endpoint: EngineEndpoint;
  /** Connects now if not connected; rejects with why when the engine does not answer. */
  connect(): Promise<EngineRuntime>;
}

export function createNamedEngine(label: string, endpoint: EngineEndpoint, clock: Clock, options: EngineOptions = {}): NamedEngine {
  let engine: EngineRuntime | null = null;
  let failure: { message: string; at: number } | null = null;
  let connecting: Promise<EngineRuntime> | null = null;

  const remember = (error: Error): RuntimeFailure => {
    failure = { message: `engine "${label}": ${error.message}`, at: clock.now() };
    return new RuntimeFailure(failure.message);
  };

  const connect = (): Promise<EngineRuntime> => {
    if (engine !== null) return Promise.resolve(engine);
    if (failure !== null && clock.now() - failure.at < RECONNECT_AFTER_MS) return Promise.reject(new RuntimeFailure(failure.message));
    connecting ??= connectEngine(endpoint, options)
      .then(
        (connected) => {
          engine = connected;
          failure = null;
          return connected;
        },
        (error: Error) => {
          throw remember(error);
        },
      )
      .finally(() => {
        connecting = null;
      });
    return connecting;
  };

  /** A transport failure (the engine went away) forgets the connection, so the engine reads as down. */
  const forget = (connected: EngineRuntime, error: unknown): void => {
    if (error instanceof RuntimeFailure && error.details.engine !== undefined && engine === connected) {
      engine = null;
      remember(error);
    }
  };

  const use = async <T>(request: (connected: EngineRuntime) => Promise<T>): Promise<T> => {
    const connected = await connect();
    try {
      return await request(connected);
    } catch (error) {
      forget(connected, error);
      throw error;
    }
  };

  return {
    label,
    endpoint,
    connect,
    get name() {
      return engine?.name ?? 'unknown';
    },
    unavailable: () => {
      if (engine !== null || failure === null) return null;
      // Known down: ask again in the background once the wait is over, so a POST sees it come back.
      if (clock.now() - failure.at >= RECONNECT_AFTER_MS) connect().catch(() => undefined);
      return failure.message;
    },
    inspectImage: (image, signal) => use((connected) => connected.inspectImage(image, signal)),
    containerStates: (names, signal) => use((connected) => connected.containerStates(names, signal)),
    pullImage(image, signal) {
      return {
        format: 'engine-json',
        chunks: (async function* () {
          const connected = await connect();
          try {
            yield* connected.pullImage(image, signal).chunks;
          } catch (error) {
            forget(connected, error);
            throw error;
          }
        })(),
      };
    },
  };
}
