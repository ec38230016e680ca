import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright'
import { afterAll, beforeAll } from 'vitest'
import { createDemoServer } from '../../demo/server.js'
import { launchChromium } from './pages'

/** The demo server on 127.0.0.1 and a Chromium, for the tests of one file. */
export interface DemoInChromium {
  /** `http://127.0.0.1:<port>` of the demo server. */
  readonly origin: string
  readonly browser: Browser
}

/**
 * Starts the demo server (with `options`) and Chromium before the tests of the calling file, and stops
 * both after them. Read `origin` and `browser` inside the tests.
 */
export function demoInChromium(options: Parameters<typeof createDemoServer>[0]): DemoInChromium {
  let server: Server | undefined
  let browser: Browser | undefined
  let origin = ''
  beforeAll(async () => {
    const started = createDemoServer(options)
    server = started
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(started.address() as AddressInfo).port}`
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })
  return {
    get origin() {
      return origin
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not started: read `browser` inside a test')
      return browser
    },
  }
}
