import { html, LitElement, type PropertyDeclarations, type TemplateResult } from 'lit';
import { defineElement } from './define.ts';
import { BAR_PARTS, forward, PULL_BAR_PART_NAMES } from './export-parts.ts';
import { panelStyles } from './slot-image-panel.styles.ts';
import './slot-error-banner.ts';
import './slot-image-pull-bar.ts';
import './slot-image-status.ts';

const STATUS_PARTS = forward('status', 'base indicator label');
/** The banner's own parts as `banner-*`; its inline bar's as `bar-*`, the names of the panel's bar, so one `::part(bar-indicator)` styles both. */
const BANNER_PARTS = [
  forward('banner', 'base icon message actions button repull-button dismiss-button request-error'),
  ...PULL_BAR_PART_NAMES.split(' ').map((name) => `bar-${name}`),
].join(',');

/**
 * A whole slot in one tag: its `<slot-image-status>`, `<slot-image-pull-bar>`
 * and `<slot-error-banner>`, which share the work as they do side by side —
 * the chip says where the image is, the bar shows the pull and offers Pull,
 * the banner speaks only of problems. Each inner part is forwarded with the
 * element's prefix (`bar-label`, `banner-message`, `status-indicator`).
 *
 * @summary One slot's image in one tag: the status chip, the pull bar and the error banner.
 *
 * @csspart base - The panel: the chip, then the bar, then the banner.
 * @csspart status - The `<slot-image-status>`; its parts as `status-base`, `status-indicator`, `status-label`.
 * @csspart bar - The `<slot-image-pull-bar>`; its parts as `bar-base`, `bar-label`, `bar-track`, `bar-cancel-button`, … (the banner's inline bar forwards the same names: one `::part(bar-indicator)` styles both).
 * @csspart banner - The `<slot-error-banner>`; its parts as `banner-base`, `banner-message`, `banner-repull-button`, ….
 *
 * @cssproperty [--slotpull-panel-gap=0.5rem] - Space between the chip, the bar and the banner.
 */
export class SlotImagePanel extends LitElement {
  static override styles = panelStyles;

  static override properties: PropertyDeclarations = {
    slotName: { attribute: 'slot-name' },
    baseUrl: { attribute: 'base-url' },
    cancelable: { type: Boolean },
    showIdle: { type: Boolean, attribute: 'show-idle' },
    notify: { type: Boolean },
    titleProgress: { type: Boolean, attribute: 'title-progress' },
  };

  /** The slot's name in the server's slots file. */
  declare slotName: string;
  /** The server, e.g. `http://127.0.0.1:8080`; default: the page's origin. */
  declare baseUrl: string;
  /** The bar's Cancel button while pulling. */
  declare cancelable: boolean;
  /** The bar also when no pull runs ("Image present", with Re-pull). */
  declare showIdle: boolean;
  /** The bar's `notify`: a system notification when the pull ends while the tab is hidden. */
  declare notify: boolean;
  /** The bar's `title-progress`: the pull's percent before the page's title while it runs. */
  declare titleProgress: boolean;

  constructor() {
    super();
    this.slotName = '';
    this.baseUrl = '';
    this.cancelable = false;
    this.showIdle = false;
    this.notify = false;
    this.titleProgress = false;
  }

  protected override render(): TemplateResult {
    const { slotName, baseUrl } = this;
    return html`<div part="base" class="base">
      <slot-image-status part="status" exportparts=${STATUS_PARTS} slot-name=${slotName} base-url=${baseUrl}></slot-image-status>
      <slot-image-pull-bar
        part="bar"
        exportparts=${BAR_PARTS}
        slot-name=${slotName}
        base-url=${baseUrl}
        ?cancelable=${this.cancelable}
        ?show-idle=${this.showIdle}
        ?notify=${this.notify}
        ?title-progress=${this.titleProgress}
      ></slot-image-pull-bar>
      <slot-error-banner part="banner" exportparts=${BANNER_PARTS} slot-name=${slotName} base-url=${baseUrl}></slot-error-banner>
    </div>`;
  }
}

defineElement('slot-image-panel', SlotImagePanel);

declare global {
  interface HTMLElementTagNameMap {
    'slot-image-panel': SlotImagePanel;
  }
}
