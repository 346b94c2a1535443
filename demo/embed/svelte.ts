/**
 * slotpull's elements in a Svelte 5 app: mounts SlotPanel.svelte. `npm run
 * build` compiles and bundles this into dist/embed/svelte.js
 * (demo/embed/build.mjs, svelte/compiler in a small esbuild plugin);
 * svelte.html loads it. The server is `?server=…`.
 */
import 'slotpull/elements';
import { mount } from 'svelte';
import SlotPanel from './SlotPanel.svelte';

const server = new URLSearchParams(location.search).get('server') ?? 'http://127.0.0.1:8080';

mount(SlotPanel, { target: document.getElementById('app')!, props: { slot: 'chat', server } });
