/**
 * A FAKE runtime for core and route tests: pulls produce exactly the chunks a
 * test pushes, and every call is counted. Real engines are exercised by the
 * runtime adapter tests; this one makes timing and failure deterministic.
 */
import { PushQueue } from '../../server/core/push-queue.ts';
import type { ImageReference } from '../../server/core/reference.ts';
import { RuntimeFailure, type ContainerRuntime, type ContainerState } from '../../server/core/runtime.ts';
import type { PullOutputFormat } from '../../server/core/types.ts';

export interface ScriptedPull {
  image: ImageReference;
  signal: AbortSignal;
  /** Sends raw output, as an engine would. */
  push(chunk: string): void;
  /**
   * Ends the output (the chunks pushed before still come out): success, which
   * leaves the image present as an engine's pull does, or a runtime failure
   * with this message.
   */
  end(failure?: string): void;
}

export class ScriptedRuntime implements ContainerRuntime {
  readonly name: string;
  readonly pulls: ScriptedPull[] = [];
  inspectCalls = 0;
  /** Calls of containerStates, one per container list. */
  containerListCalls = 0;
  /** The names each container list asked about, in call order. */
  readonly containerListNames: (readonly string[])[] = [];
  /** What inspect answers, by image key; absent keys are missing. 'error' rejects. */
  presence = new Map<string, 'present' | 'missing' | 'error'>();
  /** What the container list shows, by name; other names are absent. */
  containers = new Map<string, ContainerState>();
  /** When set, the container list rejects with this message. */
  containerListFailure: string | null = null;
  format: PullOutputFormat = 'engine-json';

  constructor(name = 'docker') {
    this.name = name;
  }

  async inspectImage(image: ImageReference): Promise<'present' | 'missing'> {
    this.inspectCalls += 1;
    const answer = this.presence.get(image.key) ?? 'missing';
    if (answer === 'error') throw new RuntimeFailure('Cannot connect to the engine');
    return answer;
  }

  async containerStates(names: readonly string[]): Promise<Map<string, ContainerState>> {
    this.containerListCalls += 1;
    this.containerListNames.push(names);
    if (this.containerListFailure !== null) throw new RuntimeFailure(this.containerListFailure);
    return new Map(names.map((name) => [name, this.containers.get(name) ?? { status: 'absent', error: null }]));
  }

  pullImage(image: ImageReference, signal: AbortSignal) {
    const chunks = new PushQueue<string>();
    const pull: ScriptedPull = {
      image,
      signal,
      push: (chunk) => chunks.push(chunk),
      end: (failure) => {
        if (failure === undefined) {
          this.presence.set(image.key, 'present');
          chunks.end();
        } else chunks.fail(new RuntimeFailure(failure, { exit_code: 1 }));
      },
    };
    // A cancel ends the output without the image, as a stopped engine pull does.
    signal.addEventListener('abort', () => chunks.end(), { once: true });
    this.pulls.push(pull);
    return { format: this.format, chunks };
  }
}

/** Docker-API lines for a one-layer pull, for tests that need a plausible stream. */
export const dockerLine = (status: string, id?: string, detail: Record<string, number> = {}): string =>
  `${JSON.stringify({ status, progressDetail: detail, ...(id === undefined ? {} : { id }) })}\n`;
