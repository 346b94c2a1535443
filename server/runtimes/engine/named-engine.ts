/**
 * An engine named in the slots file (`"engines": {"gpu2": …}`). It connects
 * on first use; once it fails (down, refused, past a deadline) it is asked
 * again only in the background, at most every few seconds, and every read
 * meanwhile fails at once. So an engine that is down or hangs makes only its
 * own slots `unknown` and its pulls refused, never anyone else's slower, and
 * it comes back by itself.
 */
import type { Clock } from '../../core/clock.ts';
import { RuntimeFailure, type ContainerRuntime } from '../../core/runtime.ts';
import type { EngineEndpoint } from '../../core/engine-endpoint.ts';
import { connectEngine, type EngineOptions, type EngineRuntime } from './engine.ts';
import { engineFetch } from './transport.ts';

/** How long a failed connection is believed before the engine is asked again. */
export const RECONNECT_AFTER_MS = 3000;

export interface NamedEngine extends ContainerRuntime {
  readonly label: string;
  readonly endpoint: EngineEndpoint;
  /** Connects now if not connected; rejects with why when the engine does not answer. */
  connect(): Promise<EngineRuntime>;
  /** Ends its connections (ssh children, TLS sessions); a later request connects again. */
  close(): void;
}

export function createNamedEngine(label: string, endpoint: EngineEndpoint, clock: Clock, options: EngineOptions = {}): NamedEngine {
  let engine: EngineRuntime | null = null;
  let failure: { message: string; at: number } | null = null;
  let connecting: Promise<EngineRuntime> | null = null;
  /** The kind it answered as last, kept while it is down. */
  let kind = 'unknown';
  // One transport for every connection: its kept-alive connections (ssh children) end with close().
  const transport = options.fetch ?? engineFetch(endpoint, options.transport);

  const remember = (error: Error): RuntimeFailure => {
    failure = { message: `engine "${label}": ${error.message}`, at: clock.now() };
    return new RuntimeFailure(failure.message);
  };

  const connect = (): Promise<EngineRuntime> => {
    if (engine !== null) return Promise.resolve(engine);
    if (failure !== null && clock.now() - failure.at < RECONNECT_AFTER_MS) return Promise.reject(new RuntimeFailure(failure.message));
    connecting ??= connectEngine(endpoint, { clock, ...options, fetch: transport })
      .then(
        (connected) => {
          engine = connected;
          kind = connected.name;
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

  /** Once it has failed, nobody waits for it: the next attempt runs in the background. */
  const connected = (): Promise<EngineRuntime> => {
    if (failure === null) return connect();
    connect().catch(() => undefined);
    return Promise.reject(new RuntimeFailure(failure.message));
  };

  /** A transport failure or a missed deadline forgets the connection, so the engine reads as down. */
  const forget = (current: EngineRuntime, error: unknown): void => {
    if (error instanceof RuntimeFailure && error.details.engine !== undefined && engine === current) {
      engine = null;
      remember(error);
    }
  };

  const use = async <T>(request: (current: EngineRuntime) => Promise<T>): Promise<T> => {
    const current = await connected();
    try {
      return await request(current);
    } catch (error) {
      forget(current, error);
      throw error;
    }
  };

  return {
    label,
    endpoint,
    connect,
    close: () => transport.close?.(),
    get name() {
      return kind;
    },
    unavailable: () => {
      if (failure !== null) {
        // Known down: ask again in the background once the wait is over, so a POST sees it come back.
        if (engine === null) connected().catch(() => undefined);
        return failure.message;
      }
      const slow = engine?.unavailable() ?? null;
      return slow === null ? null : `engine "${label}": ${slow}`;
    },
    inspectImage: (image, signal) => use((current) => current.inspectImage(image, signal)),
    // An engine that is down has no plan to give: its pull fails anyway.
    readLayerPlan: (image, signal) => connected().then((current) => current.readLayerPlan(image, signal), () => null),
    containerStates: (names, signal) => use((current) => current.containerStates(names, signal)),
    pullImage(image, signal) {
      return {
        format: 'engine-json',
        chunks: (async function* () {
          const current = await connected();
          try {
            yield* current.pullImage(image, signal).chunks;
          } catch (error) {
            forget(current, error);
            throw error;
          }
        })(),
      };
    },
  };
}
