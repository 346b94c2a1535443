/** The shape shared by the six `slot-pull-*` events: bubbling, composed, `detail` = the PullSnapshot. */
import type { PullSnapshot } from '../../wire/types.ts';

export abstract class SlotPullEvent extends CustomEvent<PullSnapshot> {
  constructor(type: string, snapshot: PullSnapshot) {
    super(type, { bubbles: true, composed: true, cancelable: false, detail: snapshot });
  }
}
