// Node side of the e2e tests: Chromium through playwright, console errors collected per page.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright'
import { chromiumLaunchOptions } from './chromium'

/** Screenshots go here (git-ignored). */
export const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))

export function launchChromium(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true })
  return chromium.launch({ ...chromiumLaunchOptions(), headless: true })
}

/** Records the page's console errors and uncaught exceptions, from now on. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`))
  return errors
}
