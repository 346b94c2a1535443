// web-test-runner commands for tests/elements/tab-signals.browser-test.ts: the
// notifications permission of the test's own Chromium page, granted as a
// person's "Allow" would, and taken back. Puppeteer sends CDP's
// Browser.grantPermissions / Browser.resetPermissions on the browser's own
// connection, for the page's context; sent on a session of the browser target
// instead, Chromium answers but the page's permission stays "default".

export function tabCommandsPlugin() {
  const commands = {
    'grant-notifications': (context, origin) => context.overridePermissions(origin, ['notifications']),
    'reset-permissions': (context) => context.clearPermissionOverrides(),
  };
  return {
    name: 'slotpull-tab-commands',
    async executeCommand({ command, session }) {
      const run = commands[command];
      if (run === undefined) return undefined;
      const page = session.browser.getPage(session.id);
      await run(page.browserContext(), new URL(page.url()).origin);
      return true;
    },
  };
}
