// Node side of the e2e tests: Chromium through playwright, console errors collected per page.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Browser, chromium, type Page } from 'playwright'
import { expect } from 'vitest'
import { chromiumLaunchOptions } from './chromium'

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
export async function bundlePage(entry: URL): Promise<string> {
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
export async function closeTest(
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
