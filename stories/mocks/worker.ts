import { setupWorker } from 'msw/browser'

/** The mock "server" of the stories: MSW's service worker (public/mockServiceWorker.js). */
export const worker = setupWorker()

let started: Promise<unknown> | undefined

/** Starts the worker once; requests no story handles go to the network as usual. */
export function startMockWorker(): Promise<unknown> {
  started ??= worker.start({
    quiet: true,
    onUnhandledRequest: 'bypass',
    serviceWorker: { url: './mockServiceWorker.js' },
  })
  return started
}
