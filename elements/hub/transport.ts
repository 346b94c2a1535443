/** Where a server connection stands, as every element sees it. */
export const Transport = {
  /** The first connection is being opened; nothing has failed yet. */
  connecting: 'connecting',
  open: 'open',
  /** It was open and dropped: the last data stays on screen while it comes back. */
  reconnecting: 'reconnecting',
  /** It never opened and nothing answers (network, server down): still retrying, with backoff. */
  unreachable: 'unreachable',
  /** The server answered with a refusal (origin, token, host…): its reason comes with it; still retrying. */
  refused: 'refused',
} as const;
export type Transport = (typeof Transport)[keyof typeof Transport];
