// The browser tier (`npm run test:browser`): headless Chromium from Debian's `chromium` package.
// - `browser`: vitest browser mode runs the core and the hook in Chromium against a real local SSE server,
//   and the hook against the nginx + Nchan + Redis cluster of the `nchan` tier (cross-origin, with CORS).
// - `e2e`: Node tests that drive Chromium with playwright: every Storybook story, and the `npm start` demo page.
import react from '@vitejs/plugin-react'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { chromiumLaunchOptions } from './test/browser/chromium.ts'
import { nchanCommands } from './test/browser/nchanCommands.ts'

const launchOptions = chromiumLaunchOptions()

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [react()],
        optimizeDeps: { include: ['react', 'react/jsx-dev-runtime', 'react-dom/client'] },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.{ts,tsx}'],
          // The nchan cluster lives in .nchan/run-<pid>/ on free ports: it never meets the `nchan` project's.
          globalSetup: ['test/browser/sseServer.setup.ts', 'test/nchan/globalSetup.ts'],
          testTimeout: 20_000,
          // The files share one SSE server origin, and Chromium opens at most 6 connections per origin: one
          // file at a time, so that one file's open streams never queue or disturb another file's.
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
            commands: nchanCommands,
          },
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/browser/**/*.e2e.test.ts'],
          globalSetup: ['test/browser/e2e.setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
