// Element tests run in Debian's Chromium; nothing is downloaded.
// `npm test` runs this runner only once element tests exist (tests/run.sh).
import { chromeLauncher } from '@web/test-runner';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default {
  files: ['tests/elements/**/*.test.js'],
  nodeResolve: true,
  concurrency: 1,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-quic',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
};
