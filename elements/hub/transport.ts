/** Where a server connection stands, as every element sees it. */
export const Transport = {
  /** The first connection is being opened; nothing has failed yet. */
  connecting: 'connecting',
  open: 'open',
  /** It was open and dropped: the last data stays on screen while it comes back. */
  reconnecting: 'reconnecting',
  /** It never opened (network, CORS, not an event stream): still retrying, with backoff. */
  unreachable: 'unreachable',
} as const;
export type Transport = (typeof Transport)[keyof typeof Transport];
