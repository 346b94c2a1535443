/** Lets pending promise callbacks run (fake timers leave setImmediate real; see useFakeClock). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
