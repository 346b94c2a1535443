/**
 * slotpull's elements in a React 19 app: plain custom elements, typed by
 * slotpull-react.d.ts. `npm run build` bundles this into dist/embed/react.js
 * (demo/embed/build.mjs); react.html loads it. The server is `?server=…`
 * (default http://127.0.0.1:8080), which must allow this page's origin.
 */
import 'slotpull/elements'; // defines the three tags (Lit inside the bundle)
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

const server = new URLSearchParams(location.search).get('server') ?? 'http://127.0.0.1:8080';

function SlotPanel({ slot }: { slot: string }) {
  const [log, setLog] = useState('');
  // The three elements side by side: the bar offers Pull and Cancel, the banner speaks only of
  // problems, and each change fires one event (from the bar, the slot's first element).
  return (
    <section>
      <h2>
        Model slot "{slot}" <slot-image-status slot-name={slot} base-url={server} />
      </h2>
      <slot-image-pull-bar
        slot-name={slot}
        base-url={server}
        cancelable
        onslot-pull-start={() => setLog('')}
        onslot-pull-complete={(event) => setLog(`${event.detail.image} is ready`)}
        onslot-pull-failed={(event) => setLog(`${event.detail.image}: ${event.detail.error ?? 'failed'}`)}
      />
      <slot-error-banner slot-name={slot} base-url={server} />
      <p role="status">{log}</p>
    </section>
  );
}

createRoot(document.getElementById('app')!).render(<SlotPanel slot="chat" />);
