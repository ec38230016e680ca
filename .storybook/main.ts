import { fileURLToPath } from 'node:url'
import type { StorybookConfig } from '@storybook/react-vite'
import react from '@vitejs/plugin-react'
import { mergeConfig } from 'vite'

const source = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url))

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  framework: { name: '@storybook/react-vite', options: {} },
  // MSW's service worker (`npx msw init public`) is served next to the preview's iframe.html.
  staticDirs: ['../public'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: false },
  viteFinal: (viteConfig) =>
    mergeConfig(viteConfig, {
      plugins: [react()],
      // Stories import the package by its name, as an app does; Storybook runs them on the sources,
      // so `npm run storybook` needs no build.
      resolve: {
        alias: [
          { find: /^typed-sse$/, replacement: source('index.ts') },
          { find: /^typed-sse\/react$/, replacement: source('react/index.ts') },
          { find: /^typed-sse\/testing$/, replacement: source('testing/index.ts') },
        ],
      },
    }),
}

export default config
