/**
 * A transport's own account of why an engine cannot be reached (ssh refused
 * the key, the engine's certificate is not from our CA): a whole sentence
 * that already says what to do, shown as it is in the log and /api/health.
 */
export class EngineTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineTransportError';
  }
}
