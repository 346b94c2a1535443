/**
 * JSX types for slotpull's elements in React 19, read from the elements' own
 * types: each tag's class from HTMLElementTagNameMap (its attributes typed as
 * its properties) and each `slot-*` event from GlobalEventHandlersEventMap.
 * React 19 passes attributes through to a custom element (or sets the
 * property when the element has one) and adds a listener for an `on<event>`
 * function prop, so `onslot-pull-complete={(event) => event.detail.image}`
 * is typed as a SlotPullCompleteEvent.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {} from 'slotpull/elements'; // brings in the tag and event maps

type Tags = HTMLElementTagNameMap;
type SlotEventName = Extract<keyof GlobalEventHandlersEventMap, `slot-${string}`>;

/** `on<event>` props for the events named by `Pattern`, each with its own event class. */
type EventProps<Pattern extends string> = {
  [K in Extract<SlotEventName, Pattern> as `on${K}`]?: (event: GlobalEventHandlersEventMap[K]) => void;
};

/** What every slotpull element takes, plus React's own props for an element (`id`, `className`, `ref`, …). */
type SlotAttributes<E extends Tags['slot-image-status' | 'slot-image-pull-bar' | 'slot-error-banner' | 'slot-image-panel']> = DetailedHTMLProps<HTMLAttributes<E>, E> & {
  'slot-name': E['slotName'];
  'base-url'?: E['baseUrl'];
};

type PullBarProps = SlotAttributes<Tags['slot-image-pull-bar']> &
  EventProps<`slot-pull-${string}`> & {
    cancelable?: Tags['slot-image-pull-bar']['cancelable'];
    'show-idle'?: Tags['slot-image-pull-bar']['showIdle'];
    sticky?: Tags['slot-image-pull-bar']['sticky'];
    'hide-after'?: Tags['slot-image-pull-bar']['hideAfter'];
  };

/**
 * The banner's own events; the slot's pull events come from the slot's first
 * element on the page (the bar, else the banner, else the chip), once each.
 */
type ErrorBannerProps = SlotAttributes<Tags['slot-error-banner']> & EventProps<`slot-error-${string}` | `slot-pull-${string}`>;

type ImageStatusProps = SlotAttributes<Tags['slot-image-status']> & EventProps<`slot-pull-${string}`>;

/** The three in one tag: the inner elements' events come out of it (bubbling, composed). */
type ImagePanelProps = SlotAttributes<Tags['slot-image-panel']> &
  EventProps<`slot-error-${string}` | `slot-pull-${string}`> & {
    cancelable?: Tags['slot-image-panel']['cancelable'];
    'show-idle'?: Tags['slot-image-panel']['showIdle'];
  };

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'slot-image-pull-bar': PullBarProps;
      'slot-error-banner': ErrorBannerProps;
      'slot-image-status': ImageStatusProps;
      'slot-image-panel': ImagePanelProps;
    }
  }
}
