/** Lets pending promise and stream callbacks run; useFakeClock() leaves setImmediate real, so this works under it too. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
