// The web-test-runner plugins the demo tests add (web-test-runner.config.mjs
// spreads them in): page errors, and screenshots compared with the committed
// baselines in tests/demo/screenshots/Chrome/baseline/.
//
// Baselines are made on this project's machine (Debian Chromium, its fonts):
// after a deliberate change of the dashboard's look, write new ones with
// `SLOTPULL_UPDATE_SCREENSHOTS=1 npx web-test-runner --files tests/demo/dashboard.browser-test.ts`
// and look at them before committing. A failing comparison leaves the new
// picture and the difference in tests/demo/screenshots/Chrome/failed/.
import { visualRegressionPlugin } from '@web/test-runner-visual-regression/plugin';
import { fileURLToPath } from 'node:url';
import { pageErrorsPlugin } from './page-errors.mjs';

/**
 * Share of pixels that may differ. A mid-pull shot holds the engine within a
 * few percent of the same place, so its numbers and bar end differ a little
 * from run to run (well under 1 %); a broken layout moves whole cards.
 */
const FAILURE_THRESHOLD_PERCENT = 1.5;

export function demoPlugins() {
  return [
    pageErrorsPlugin(),
    visualRegressionPlugin({
      baseDir: fileURLToPath(new URL('../screenshots', import.meta.url)),
      update: process.env.SLOTPULL_UPDATE_SCREENSHOTS === '1',
      failureThreshold: FAILURE_THRESHOLD_PERCENT,
      failureThresholdType: 'percent',
    }),
  ];
}
