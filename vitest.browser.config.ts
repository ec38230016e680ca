// The browser tier (`npm run test:browser`): headless Chromium from Debian's `chromium` package.
// - `browser`: vitest browser mode runs the core and the hook in Chromium against a real local SSE server.
// - `e2e`: Node tests that drive Chromium with playwright: every Storybook story, and the `npm start` demo page.
import react from '@vitejs/plugin-react'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { chromiumLaunchOptions } from './test/browser/chromium'

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
          globalSetup: ['test/browser/sseServer.setup.ts'],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
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
