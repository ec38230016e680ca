// `pauseWhenHidden` with `share: tabs` in Chromium: two tabs share one connection; it stays while one of
// them is visible, closes once both have been hidden longer than `pauseWhenHidden`, and comes back at once
// with `Last-Event-ID` when one shows again; each tab has every event once, in order.
import type { Page } from 'playwright'
import { describe, expect, it } from 'vitest'
import { pageTests, pollUntil } from './pages'
import { launchFreezableChromium } from './tabs/freezableChromium'
import type { PauseTest } from './tabs/pausePage'

declare const pauseTest: PauseTest

const e2e = pageTests(new URL('./tabs/pausePage.ts', import.meta.url), 'pauseTest')

const status = (page: Page) => page.evaluate(() => pauseTest.state().status)
const ids = (page: Page) => page.evaluate(() => pauseTest.ids())
const visibility = (page: Page) => page.evaluate(() => document.visibilityState)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('pauseWhenHidden with share: tabs in Chromium', () => {
  it('keeps the one connection while a tab is visible, closes it when all are hidden, resumes when one shows', async () => {
    // A Chromium without playwright's focus emulation: a tab is hidden when another comes to the front.
    const { server, context } = await e2e.start(launchFreezableChromium)
    const pause = 1000
    const open = async (name: string) => {
      const page = await e2e.open({ page: name, topic: 'feed', pause: String(pause) })
      await pollUntil(
        () => status(page),
        (value) => value === 'open',
      )
      return page
    }
    const a = await open('a')
    const b = await open('b') // b in front: a, the leader, is hidden
    expect(await visibility(a)).toBe('hidden')
    expect(server.requests('feed').map((request) => request.page)).toEqual(['a'])
    const stop = server.publishEvery('feed', 20)

    // Waiting past pauseWhenHidden is the point: the visible follower keeps the connection.
    await new Promise((resolve) => setTimeout(resolve, pause + 1500))
    expect(server.requests('feed')).toHaveLength(1)
    expect(server.openConnections('feed')).toBe(1)

    // Both hidden: the connection closes after pauseWhenHidden (timers of hidden pages run ~1/s).
    // Taken before the new page hides b: b cannot be hidden earlier, so the close is at least `pause` later.
    const hiddenAt = performance.now()
    const blank = await context.newPage()
    expect(await visibility(b)).toBe('hidden')
    await pollUntil(
      () => server.openConnections('feed'),
      (open) => open === 0,
      pause + 4000,
    )
    const closedAfter = performance.now() - hiddenAt
    expect(closedAfter).toBeGreaterThanOrEqual(pause - 50)
    expect(await status(a)).toBe('reconnecting')
    expect(await status(b)).toBe('reconnecting')
    const lastSeen = (await ids(b)).at(-1)

    // b shows again: one new request, at once, from the leader, with the last event ID.
    await new Promise((resolve) => setTimeout(resolve, 300)) // events are published while paused
    const shownAt = performance.now()
    await b.bringToFront()
    await pollUntil(
      () => server.requests('feed').length,
      (count) => count === 2,
    )
    const resumedAfter = performance.now() - shownAt
    const resumed = server.requests('feed')[1]
    expect(resumed?.page).toBe('a')
    expect(resumed?.lastEventId).toBe(String(lastSeen))
    stop()
    const last = server.published('feed')
    for (const page of [a, b]) {
      const received = await pollUntil(
        () => ids(page),
        (list) => list.includes(last),
      )
      expect(received).toEqual(range(1, last))
    }
    expect(server.requests('feed')).toHaveLength(2)
    console.log(
      `share: tabs, pauseWhenHidden ${pause}: closed ${Math.round(closedAfter)} ms after both tabs were hidden, resumed ${Math.round(resumedAfter)} ms after one showed; ${last} events, each once in each tab`,
    )
    await blank.close()
  }, 30_000)
})
