import type { Preview } from '@storybook/react-vite'
import { setupWorker } from 'msw/browser'
import { mswLoader } from 'msw-storybook-addon/csf3'

/**
 * msw-storybook-addon gives every story the mocked endpoints it lists in `parameters.msw.handlers`: MSW's
 * service worker (public/mockServiceWorker.js) answers the page's real `fetch`, streamed bodies included, so
 * the stories run the library exactly as an app does. The stories are CSF 3, whose integration is the addon's
 * loader. The worker is served next to the preview's iframe.html; requests no story handles go to the network.
 */
const preview: Preview = {
  loaders: [
    mswLoader(async () => {
      const worker = setupWorker()
      await worker.start({
        quiet: true,
        onUnhandledRequest: 'bypass',
        serviceWorker: { url: './mockServiceWorker.js' },
      })
      return worker
    }),
  ],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
}

export default preview
