/**
 * slotpull's elements: importing this module defines <slot-image-pull-bar>,
 * <slot-error-banner>, <slot-image-status> and <slot-image-panel> (unless a
 * copy already did); configureServer() tells them how to authenticate;
 * registerTranslation() adds a language or replaces phrases.
 */
export { SlotImagePullBar, PullBarState } from './slot-image-pull-bar.ts';
export { SlotErrorBanner, BannerState } from './slot-error-banner.ts';
export { SlotImageStatus, ImageStatus } from './slot-image-status.ts';
export { SlotImagePanel } from './slot-image-panel.ts';
export { SlotPullStartEvent } from './events/slot-pull-start.ts';
export { SlotPullProgressEvent } from './events/slot-pull-progress.ts';
export { SlotPullCompleteEvent } from './events/slot-pull-complete.ts';
export { SlotPullFailedEvent } from './events/slot-pull-failed.ts';
export { SlotPullCancelledEvent } from './events/slot-pull-cancelled.ts';
export { SlotPullInterruptedEvent } from './events/slot-pull-interrupted.ts';
export { SlotErrorActionEvent } from './events/slot-error-action.ts';
export { SlotErrorDismissEvent } from './events/slot-error-dismiss.ts';
export type { SlotErrorDetail, SlotErrorReason } from './events/slot-error-detail.ts';
export { Transport } from './hub/transport.ts';
export { slotHub, type SlotHub } from './hub/hub.ts';
export { configureServer, type ServerOptions } from './configure-server.ts';
export { registerTranslation } from './language.ts';
export type { Phrases, Plural, Translation } from './messages.ts';
export type { PullSnapshot, PullState, PullPhase, PullErrorCode, LayerSnapshot, SlotInfo } from '../wire/types.ts';
