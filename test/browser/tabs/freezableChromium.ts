// A Chromium whose pages can be hidden and frozen over CDP. Playwright turns on focus emulation for every
// page it opens, which keeps the page visible, and `Page.setWebLifecycleState` then freezes nothing (no
// `freeze` event, timers run on). Attached with `noDefaults`, pages of the default context get no focus
// emulation: freezing hides the page, fires `freeze` and stops its tasks, as in a real background tab.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium } from 'playwright'
import { chromiumArgs, chromiumPath } from '../chromium'

export interface FreezableChromium {
  browser: Browser
  /** The default context: its pages are the tabs. */
  context: BrowserContext
  close(): Promise<void>
}

export async function launchFreezableChromium(): Promise<FreezableChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'typed-sse-tabs-'))
  const child = spawn(
    chromiumPath(),
    [...chromiumArgs, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    // Its own process group, so that `stop` can end the helper processes that outlive the browser.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    child.kill()
    await exited
    try {
      process.kill(-(child.pid as number), 'SIGKILL')
    } catch {
      // no process of the group is left
    }
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  }
  try {
    const browser = await chromium.connectOverCDP(await devToolsEndpoint(child), { noDefaults: true })
    const [context] = browser.contexts()
    if (!context) throw new Error('Chromium started without a default context')
    return {
      browser,
      context,
      async close() {
        // A graceful shutdown: the helper processes end with the browser, before the profile goes.
        const session = await browser.newBrowserCDPSession()
        await session.send('Browser.close').catch(() => {}) // the connection may drop before the answer
        await stop()
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** The `ws://` address that Chromium prints on stderr once it listens for DevTools clients. */
function devToolsEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`Chromium printed no DevTools address:\n${output}`)),
      20_000,
    )
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk
      const address = /DevTools listening on (ws:\/\/\S+)/.exec(output)?.[1]
      if (address) {
        clearTimeout(timer)
        resolve(address)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Chromium exited (${code}) before listening for DevTools:\n${output}`))
    })
  })
}
