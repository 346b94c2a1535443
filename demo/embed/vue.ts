/**
 * slotpull's elements in a Vue 3 app, side by side as docs/elements.md
 * shows them (the bar offers Pull and Cancel): a template compiled in the
 * browser (vue's esm-bundler build, with the compiler), told that `slot-*`
 * tags are custom elements (`compilerOptions.isCustomElement`). With a Vue
 * SFC toolchain, put the same option in the plugin's
 * `template.compilerOptions`. `npm run build` bundles this into
 * dist/embed/vue.js; vue.html loads it. The server is `?server=…`.
 */
import 'slotpull/elements';
import { createApp, ref } from 'vue';
import type { SlotPullCompleteEvent, SlotPullFailedEvent } from 'slotpull/elements';

const server = new URLSearchParams(location.search).get('server') ?? 'http://127.0.0.1:8080';

const app = createApp({
  setup() {
    const log = ref('');
    return {
      slot: 'chat',
      server,
      log,
      started: () => (log.value = ''),
      ready: (event: SlotPullCompleteEvent) => (log.value = `${event.detail.image} is ready`),
      failed: (event: SlotPullFailedEvent) => (log.value = `${event.detail.image}: ${event.detail.error ?? 'failed'}`),
    };
  },
  template: `
    <section>
      <h2>Model slot "{{ slot }}" <slot-image-status :slot-name="slot" :base-url="server"></slot-image-status></h2>
      <slot-image-pull-bar :slot-name="slot" :base-url="server" cancelable
        @slot-pull-start="started" @slot-pull-complete="ready" @slot-pull-failed="failed"></slot-image-pull-bar>
      <slot-error-banner :slot-name="slot" :base-url="server"></slot-error-banner>
      <p role="status">{{ log }}</p>
    </section>`,
});
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('slot-');
app.mount('#app');
