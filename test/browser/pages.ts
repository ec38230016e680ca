// Node side of the e2e tests: Chromium through playwright, console errors collected per page, and the life
// of the tests whose page is bundled from source and served by a topic server.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { chromiumLaunchOptions } from './chromium'
import { startTopicServer, type TopicServer } from './topicServer'

/** Screenshots go here (git-ignored). */
export const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))

export function launchChromium(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true })
  return chromium.launch({ ...chromiumLaunchOptions(), headless: true })
}

/** Records the page's console errors and uncaught exceptions from now on, into `errors` (returned). */
export function watchErrors(page: Page, errors: string[] = []): string[] {
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`))
  return errors
}

/** Bundles a test page's script (ES module, ES2022) from its TypeScript source, to serve on loopback. */
async function bundlePage(entry: URL): Promise<string> {
  const bundle = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  return bundle.outputFiles[0]?.text ?? ''
}

/**
 * Closes what one test opened, the browser side (a context or a browser) before its server, the server
 * even when closing the browser fails; then fails the test if its pages logged errors.
 */
async function closeTest(
  browserSide: { close(): Promise<unknown> } | undefined,
  server: { stop(): Promise<unknown> } | undefined,
  pageErrors: readonly string[],
): Promise<void> {
  try {
    await browserSide?.close()
  } finally {
    await server?.stop()
  }
  expect(pageErrors).toEqual([])
}

/**
 * Polls `read` (often a `page.evaluate`) every 5 ms until `accept` holds, and returns that value; fails
 * after `timeout` ms saying what was last read.
 */
export async function pollUntil<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeout = 5000,
): Promise<T> {
  const deadline = performance.now() + timeout
  let value = await read()
  while (!accept(value)) {
    if (performance.now() > deadline)
      throw new Error(`gave up waiting after ${timeout} ms: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
    value = await read()
  }
  return value
}

/** The browser side of one test: a context, and what closes it (the context, or a browser of the test's own). */
export interface BrowserSide {
  context: BrowserContext
  close(): Promise<unknown>
}

/** The life of one file's tests around their page; see {@link pageTests}. */
export interface PageTests {
  /**
   * Starts the test's server and browser context (closing those of an earlier `start()` in the same test):
   * by default a new context of the file's Chromium, or the browser that `launch` starts for this test.
   */
  start(launch?: () => Promise<BrowserSide>): Promise<{ server: TopicServer; context: BrowserContext }>
  /** Opens the page with this query in the test's context, recording its errors; resolves once it runs. */
  open(query: Record<string, string>): Promise<Page>
  /** Reloads `page` and waits until its script runs again. */
  reload(page: Page): Promise<void>
  /** The server of the running test, once it started. */
  readonly server: TopicServer | undefined
}

/**
 * Sets up the e2e tests of one file whose page is bundled from source (`entry`), served with its streams
 * by a topic server (`frame(n)`: event `n`'s text). The page's script defines `global` once it has run. The
 * page is bundled once; each test gets a fresh server and browser context; after each test the browser side
 * closes, then the server, and the test fails if a page logged an error. The file's Chromium is launched
 * when a test first needs it, and closed after the last test.
 */
export function pageTests(entry: URL, global: string, frame?: (n: number) => string): PageTests {
  let script = ''
  let browser: Browser | undefined
  /** What the running test opened. */
  let opened: { server?: TopicServer; browserSide?: BrowserSide } = {}
  /** Console errors and uncaught exceptions of the running test's pages. */
  let errors: string[] = []

  beforeAll(async () => {
    script = await bundlePage(entry)
  })
  afterEach(async () => {
    const [{ browserSide, server }, pageErrors] = [opened, errors]
    opened = {}
    errors = []
    await closeTest(browserSide, server, pageErrors)
  })
  afterAll(async () => {
    await browser?.close()
  })

  const ready = (page: Page) => page.waitForFunction((name) => name in globalThis, global)

  async function newContext(): Promise<BrowserSide> {
    browser ??= await launchChromium()
    const context = await browser.newContext()
    return { context, close: () => context.close() }
  }

  return {
    async start(launch = newContext) {
      const { browserSide, server } = opened
      opened = {}
      try {
        await browserSide?.close()
      } finally {
        await server?.stop()
      }
      opened.server = await startTopicServer(script, frame)
      opened.browserSide = await launch()
      return { server: opened.server, context: opened.browserSide.context }
    },
    async open(query) {
      const { server, browserSide } = opened
      if (!server || !browserSide) throw new Error('start() first')
      const page = await browserSide.context.newPage()
      watchErrors(page, errors)
      await page.goto(`${server.origin}/?${new URLSearchParams(query)}`)
      await ready(page)
      return page
    },
    async reload(page) {
      await page.reload()
      await ready(page)
    },
    get server() {
      return opened.server
    },
  }
}
