/**
 * Keeps a slow or hung engine from slowing anyone else. A read (image
 * inspect, container list) that has not answered within the budget fails
 * for its caller at once — the engine's slots show `unknown` — and the
 * engine counts as slow: later reads fail at once too, without piling more
 * requests onto it, while one read at a time is sent in the background.
 * When such a read answers within the budget, the engine is itself again.
 */
import type { Clock } from '../../core/clock.ts';
import { RuntimeFailure } from '../../core/runtime.ts';

export interface ReadBudget {
  run<T>(read: () => Promise<T>): Promise<T>;
  /** Why reads fail at once right now, or null. */
  readonly slow: string | null;
}

export interface ReadBudgetOptions {
  budgetMs: number;
  clock: Clock;
  /** The engine, as messages name it. */
  target: string;
}

export function createReadBudget({ budgetMs, clock, target }: ReadBudgetOptions): ReadBudget {
  const message = `the engine at ${target} has not answered within ${budgetMs / 1000} s, so its slots show unknown until it answers in time again (slotpull keeps asking in the background)`;
  let slow: string | null = null;
  /** Reads past their budget (and background ones) still out: while any is, no other is sent. */
  let outstanding = 0;

  const probe = <T>(read: () => Promise<T>): void => {
    if (outstanding > 0) return;
    outstanding += 1;
    const started = clock.now();
    const settle = (): void => {
      outstanding -= 1;
      if (clock.now() - started <= budgetMs) slow = null;
    };
    read().then(settle, () => {
      // A failure is no proof of speed: the engine stays slow until a read succeeds in time.
      outstanding -= 1;
    });
  };

  return {
    get slow() {
      return slow;
    },
    run<T>(read: () => Promise<T>): Promise<T> {
      if (slow !== null) {
        probe(read);
        return Promise.reject(new RuntimeFailure(slow));
      }
      return new Promise<T>((resolve, reject) => {
        let late = false;
        const timer = clock.setTimeout(() => {
          late = true;
          slow = message;
          outstanding += 1;
          reject(new RuntimeFailure(message));
        }, budgetMs);
        const finish = (): boolean => {
          clock.clearTimeout(timer);
          if (late) outstanding -= 1;
          return !late;
        };
        read().then(
          (value) => {
            if (finish()) resolve(value);
          },
          (error: unknown) => {
            if (finish()) reject(error);
          },
        );
      });
    },
  };
}
