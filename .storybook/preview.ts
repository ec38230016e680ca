import type { Preview } from '@storybook/react-vite'
import type { RequestHandler } from 'msw'
import { startMockWorker, worker } from '../stories/mocks/worker'

/**
 * Every story gets the mocked endpoints it lists in `parameters.msw.handlers` (the convention of
 * msw-storybook-addon, done here in a few lines): MSW's service worker answers the page's real `fetch`,
 * so the stories run the library exactly as an app does, streaming included.
 */
const preview: Preview = {
  loaders: [
    async ({ parameters }) => {
      await startMockWorker()
      const handlers: RequestHandler[] = parameters.msw?.handlers ?? []
      worker.resetHandlers(...handlers)
      return {}
    },
  ],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
}

export default preview
