/** What `--runtime` may say: the engine API, a CLI, the demo runtime, or the first that works. */
export const RUNTIME_MODES = ['auto', 'engine', 'cli', 'demo'] as const;
export type RuntimeMode = (typeof RUNTIME_MODES)[number];
