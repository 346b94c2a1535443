// web-test-runner commands for tests/elements/voice.browser-test.ts, on the
// test's own Chromium page through puppeteer: the accessibility tree as
// Chromium builds it for assistive technology.

/** @typedef {{ role: string, name: string, live: string | null, text: string }} AxNode */

/** Every node assistive technology sees, but text runs: its role, name, live-region politeness, and the text under it. */
function axNodes(nodes) {
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  const textOf = (node) => {
    if (node.ignored) return '';
    if (node.role?.value === 'StaticText') return node.name?.value ?? '';
    return (node.childIds ?? []).map((id) => (byId.has(id) ? textOf(byId.get(id)) : '')).join('');
  };
  return nodes
    .filter((node) => !node.ignored && !['StaticText', 'InlineTextBox'].includes(node.role?.value))
    .map((node) => ({
      role: node.role?.value ?? '',
      name: node.name?.value ?? '',
      live: node.properties?.find((property) => property.name === 'live')?.value.value ?? null,
      text: textOf(node).replace(/\s+/g, ' ').trim(),
    }));
}

export function voiceCommandsPlugin() {
  const commands = {
    async 'a11y-tree'(page) {
      const cdp = await page.createCDPSession();
      try {
        return axNodes((await cdp.send('Accessibility.getFullAXTree')).nodes);
      } finally {
        await cdp.detach();
      }
    },
  };
  return {
    name: 'slotpull-voice-commands',
    async executeCommand({ command, session }) {
      const run = commands[command];
      if (run === undefined) return undefined;
      return run(session.browser.getPage(session.id));
    },
  };
}
