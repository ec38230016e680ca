// The page's life in Chromium (issue 15): `persist` keeps the position across a reload or a closed and
// reopened tab, `pauseWhenHidden` closes the connection of a hidden page and resumes when it shows again.
// The page bundles the core from source (lifecycle/page.ts); one local server serves it and its stream,
// numbers the events, replays after `Last-Event-ID`, and takes each page's `pagehide` report of what it
// received, so that the test knows exactly what the page saw before it went away.
import type { Page } from 'playwright'
import { describe, expect, it } from 'vitest'
import type { LifecycleTest } from './lifecycle/page'
import { pageTests, pollUntil } from './pages'
import { launchFreezableChromium } from './tabs/freezableChromium'
import type { PageReport, TopicServer } from './topicServer'

declare const lifecycleTest: LifecycleTest

const e2e = pageTests(new URL('./lifecycle/page.ts', import.meta.url), 'lifecycleTest')

interface PageSpec {
  page: string
  topic: string
  persist: 'session' | 'local' | 'off'
  pause?: number
}

function openPage({ pause, ...spec }: PageSpec): Promise<Page> {
  return e2e.open(pause === undefined ? spec : { ...spec, pause: String(pause) })
}

const ids = (page: Page) => page.evaluate(() => lifecycleTest.ids())
const status = (page: Page) => page.evaluate(() => lifecycleTest.state().status)

/** `from`, `from + 1`, …, `to`. */
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

/** Waits for the `pagehide` report of the page load `label`. */
function reportOf(label: string): Promise<PageReport> {
  return pollUntil(
    () => e2e.server?.reports().find((report) => report.page === label),
    (report) => report !== undefined,
  ) as Promise<PageReport>
}

/** Publishes events 1–50, waits until `page` received all of them, then keeps publishing every 10 ms. */
async function receiveFifty(server: TopicServer, page: Page, topic: string): Promise<() => void> {
  await pollUntil(
    () => status(page),
    (value) => value === 'open',
  )
  for (let n = 0; n < 50; n++) server.publish(topic)
  expect(
    await pollUntil(
      () => ids(page),
      (list) => list.length >= 50,
    ),
  ).toEqual(range(1, 50))
  const stop = server.publishEvery(topic, 10)
  await new Promise((resolve) => setTimeout(resolve, 100)) // the page is receiving when it goes away
  return stop
}

/** Stops publishing and waits until `page` has the last event; returns what it received. */
async function finish(server: TopicServer, page: Page, topic: string, stop: () => void) {
  stop()
  const last = server.published(topic)
  return pollUntil(
    () => ids(page),
    (list) => list.includes(last) || list.length > last,
  )
}

describe('persist in Chromium', () => {
  it("persist: 'session' continues after a reload with exactly the next event, none twice", async () => {
    const { server } = await e2e.start()
    const page = await openPage({ page: 'p', topic: 'session', persist: 'session' })
    const stop = await receiveFifty(server, page, 'session')
    await e2e.reload(page)
    expect(await page.evaluate(() => lifecycleTest.load)).toBe(2)
    const before = await reportOf('p#1')
    const after = await finish(server, page, 'session', stop)
    const last = server.published('session')

    const seen = before.ids.at(-1) as number
    expect(seen).toBeGreaterThan(50)
    expect(before.ids).toEqual(range(1, seen))
    expect(before.lastEventId).toBe(String(seen))
    expect(after).toEqual(range(seen + 1, last))
    const requests = server.requests('session')
    expect(requests.map(({ page, lastEventId }) => ({ page, lastEventId }))).toEqual([
      { page: 'p#1', lastEventId: '' },
      { page: 'p#2', lastEventId: String(seen) },
    ])
    // The server hears the first page's connection close when the socket does: that may come after the
    // second page has its events.
    await pollUntil(
      () => server.requests('session')[0]?.closedAt,
      (closedAt) => closedAt !== undefined,
    )
    console.log(
      `session: before the reload 1–${seen}, after it ${seen + 1}–${last}; request 2 Last-Event-ID: ${requests[1]?.lastEventId}`,
    )
  })

  it("persist: 'local' continues in a new page of the same context after the first one closed", async () => {
    const { server, context } = await e2e.start()
    const first = await openPage({ page: 'first', topic: 'local', persist: 'local' })
    const stop = await receiveFifty(server, first, 'local')
    await first.close()
    const before = await reportOf('first#1')
    // The first page's connection is gone before the second page opens.
    await pollUntil(
      () => server.openConnections('local'),
      (open) => open === 0,
    )
    expect(context.pages()).toHaveLength(0)
    const second = await openPage({ page: 'second', topic: 'local', persist: 'local' })
    const after = await finish(server, second, 'local', stop)
    const last = server.published('local')

    const seen = before.ids.at(-1) as number
    expect(seen).toBeGreaterThan(50)
    expect(before.ids).toEqual(range(1, seen))
    expect(after).toEqual(range(seen + 1, last))
    expect(server.requests('local').map(({ page, lastEventId }) => ({ page, lastEventId }))).toEqual([
      { page: 'first#1', lastEventId: '' },
      { page: 'second#1', lastEventId: String(seen) },
    ])
    console.log(`local: first page 1–${seen}, second page ${seen + 1}–${last}`)
  })

  it("persist: 'session' writes its storage about twice a second at 10,000 events per second", async () => {
    const { server } = await e2e.start()
    const page = await openPage({ page: 'p', topic: 'rate', persist: 'session' })
    await pollUntil(
      () => status(page),
      (value) => value === 'open',
    )
    // 30,000 events at 10,000 per second: each turn publishes what is due by then, whatever the timers do.
    const total = 30_000
    const started = performance.now()
    while (server.published('rate') < total) {
      const due = Math.min(total, Math.round((performance.now() - started) * 10))
      server.publishMany('rate', due - server.published('rate'))
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await pollUntil(
      () => page.evaluate(() => lifecycleTest.ids().length),
      (count) => count >= total,
      15_000,
    )
    // The throttled write of the last ID comes at most 500 ms after the last event.
    await pollUntil(
      () => page.evaluate(() => Object.values(sessionStorage)),
      (values) => values.includes(String(total)),
    )
    const { writes, times, received } = await page.evaluate(() => ({
      writes: lifecycleTest.storageWrites(),
      times: lifecycleTest.eventTimes(),
      received: lifecycleTest.ids(),
    }))
    expect(received).toEqual(range(1, total))
    const seconds = ((times.last as number) - (times.first as number)) / 1000
    const eventsPerSecond = total / seconds
    const writesPerSecond = writes.length / seconds
    console.log(
      `persist: ${total} events in ${seconds.toFixed(2)} s (${eventsPerSecond.toFixed(0)}/s at the page): ${writes.length} storage writes, ${writesPerSecond.toFixed(1)}/s`,
    )
    expect(eventsPerSecond).toBeGreaterThan(5000)
    // One write per 500 ms while events come, and the trailing one after the last event.
    expect(writes.length).toBeGreaterThanOrEqual(2)
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(seconds / 0.5) + 1)
  })

  it('without persist, a reload starts afresh: no Last-Event-ID, no replay', async () => {
    const { server } = await e2e.start()
    const page = await openPage({ page: 'p', topic: 'off', persist: 'off' })
    const stop = await receiveFifty(server, page, 'off')
    await e2e.reload(page)
    const before = await reportOf('p#1')
    await pollUntil(
      () => server.requests('off').length,
      (count) => count === 2,
    )
    const after = await finish(server, page, 'off', stop)
    expect(server.requests('off').map(({ page, lastEventId }) => ({ page, lastEventId }))).toEqual([
      { page: 'p#1', lastEventId: '' },
      { page: 'p#2', lastEventId: '' },
    ])
    // Only what was published after the new request: nothing the first load had seen comes again.
    const seen = before.ids.at(-1) as number
    expect(after[0]).toBeGreaterThan(seen)
    expect(after).toEqual(range(after[0] as number, server.published('off')))
  })
})

describe('pauseWhenHidden in Chromium', () => {
  it('closes the connection of a page hidden longer than pauseWhenHidden, and resumes once, at once, when it shows', async () => {
    // A Chromium without playwright's focus emulation: a tab really is hidden when another one comes to
    // the front, as when the user switches tabs (its timers then run at most once a second).
    const { server, context } = await e2e.start(launchFreezableChromium)
    const pauseWhenHidden = 1500
    const page = await openPage({ page: 'p', topic: 'hidden', persist: 'off', pause: pauseWhenHidden })
    await pollUntil(
      () => status(page),
      (value) => value === 'open',
    )
    const visibility = () => page.evaluate(() => document.visibilityState)
    expect(await visibility()).toBe('visible')
    const stop = server.publishEvery('hidden', 20)

    // Hidden for less than pauseWhenHidden: the connection stays.
    const other = await context.newPage()
    expect(await visibility()).toBe('hidden')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await page.bringToFront()
    expect(await visibility()).toBe('visible')
    // Waiting past pauseWhenHidden is the point: the timer of the short hide must not fire.
    await new Promise((resolve) => setTimeout(resolve, pauseWhenHidden + 500))
    expect(server.requests('hidden')).toHaveLength(1)
    expect(server.openConnections('hidden')).toBe(1)

    // Hidden for longer: the server sees the connection close.
    await other.bringToFront()
    expect(await visibility()).toBe('hidden')
    const hiddenAt = performance.now()
    const closedAt = (await pollUntil(
      () => server.requests('hidden')[0]?.closedAt,
      (time) => time !== undefined,
    )) as number
    const closedAfter = closedAt - hiddenAt
    expect(closedAfter).toBeGreaterThanOrEqual(pauseWhenHidden - 50)
    expect(server.openConnections('hidden')).toBe(0)
    expect(await page.evaluate(() => lifecycleTest.state())).toMatchObject({ status: 'reconnecting' })
    expect(await page.evaluate(() => lifecycleTest.state().retryDelay)).toBeUndefined()
    // Staying hidden is the point: events go on, the page asks for none of them.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(server.requests('hidden')).toHaveLength(1)
    const seen = (await ids(page)).at(-1) as number
    expect(server.published('hidden')).toBeGreaterThan(seen + 10)

    // Visible again: one new request at once, resuming after the last event the page received.
    const shownAt = performance.now()
    await page.bringToFront()
    await pollUntil(
      () => server.requests('hidden').length,
      (count) => count === 2,
    )
    const resumedAfter = (server.requests('hidden')[1]?.time as number) - shownAt
    const received = await finish(server, page, 'hidden', stop)
    const last = server.published('hidden')
    expect(received).toEqual(range(1, last))
    expect(server.requests('hidden').map(({ page, lastEventId }) => ({ page, lastEventId }))).toEqual([
      { page: 'p#1', lastEventId: '' },
      { page: 'p#1', lastEventId: String(seen) },
    ])
    expect(server.openConnections('hidden')).toBe(1)
    expect(await page.evaluate(() => lifecycleTest.statuses())).toEqual([
      'connecting',
      'open',
      'reconnecting',
      'connecting',
      'open',
    ])
    console.log(
      `pauseWhenHidden ${pauseWhenHidden} ms: closed ${closedAfter.toFixed(0)} ms after hiding; resumed ${resumedAfter.toFixed(0)} ms after showing with Last-Event-ID ${seen}; events 1–${last}, each once`,
    )
    expect(resumedAfter).toBeLessThan(1000)
  }, 60_000)
})
