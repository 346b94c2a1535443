import type { PullSnapshot } from '../../wire/types.ts';

/** What `<slot-error-banner>` is showing (`failed` also while the Re-pull of a failure runs). */
export type SlotErrorReason = 'failed' | 'interrupted' | 'crashed' | 'unreachable' | 'problem';

/** The `detail` of `slot-error-action` and `slot-error-dismiss`. */
export interface SlotErrorDetail {
  readonly slot_name: string;
  readonly reason: SlotErrorReason;
  /** The banner's text. */
  readonly message: string;
  /** The slot's PullSnapshot when one has arrived. */
  readonly snapshot: PullSnapshot | null;
}
