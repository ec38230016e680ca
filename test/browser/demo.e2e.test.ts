// `npm start`'s demo pages in Chromium: the vanilla and the React view both show live events, and the tabs page
// (`share: tabs`) keeps one connection for three tabs of one browser context and hands it over.
import type { BrowserContext, Page } from 'playwright'
import { expect, it } from 'vitest'
import { demoInChromium } from './demoInChromium'
import { artifacts, watchErrors } from './pages'

const demo = demoInChromium({ interval: 150 })

it('shows live events from the demo server in the vanilla view and in the React view', async () => {
  const page = await demo.browser.newPage()
  const errors = watchErrors(page)
  await page.goto(demo.origin)
  const vanilla = page.getByTestId('vanilla-messages').locator('li')
  const react = page.getByTestId('react-events').locator('li')
  await expect.poll(() => vanilla.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
  await expect.poll(() => react.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
  expect(await page.getByTestId('vanilla-status').textContent()).toBe('open')
  expect(await page.getByTestId('react-status').textContent()).toBe('open')
  // Newest first: the plain messages, and typed events rendered through `lastEvent` narrowing.
  expect(await vanilla.last().textContent()).toBe('Message 0')
  expect(await page.getByTestId('react-last').textContent()).toMatch(/^(SSE at \d+\.\d\d|\w+: hello #\d+)$/)
  await page.screenshot({ path: `${artifacts}demo.png`, fullPage: true })
  expect(errors).toEqual([])
  await page.close()
})

/** The demo server's count of `/shared` streams. */
async function connections(): Promise<{ open: number; opened: number }> {
  return (await fetch(`${demo.origin}/connections`)).json() as Promise<{ open: number; opened: number }>
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent()) ?? ''
const roles = (pages: Page[]) => Promise.all(pages.map((page) => text(page, 'tabs-role')))
/** The ids of the events a tab shows, oldest first. */
const eventIds = async (page: Page) =>
  (await page.getByTestId('tabs-events').locator('li').allTextContents())
    .map((item) => Number(item.slice(6)))
    .reverse()

it('shows one connection for three tabs on the tabs page, one leader, and hands over when the leader closes', async () => {
  const context: BrowserContext = await demo.browser.newContext()
  const errors: string[] = []
  try {
    const first = await context.newPage()
    watchErrors(first, errors)
    await first.goto(demo.origin)
    await first.getByTestId('tabs-link').click()
    await first.waitForURL(`${demo.origin}/demo/tabs.html`)
    // The other two tabs come from the page's own button.
    const pages = [first]
    for (const opener of [first, first]) {
      const [tab] = await Promise.all([
        context.waitForEvent('page'),
        opener.getByRole('button', { name: 'Open another tab' }).click(),
      ])
      watchErrors(tab, errors)
      await tab.waitForLoadState()
      pages.push(tab)
    }
    expect(pages.map((page) => page.url())).toEqual(Array(3).fill(`${demo.origin}/demo/tabs.html`))

    await expect
      .poll(async () => (await roles(pages)).sort(), { timeout: 10_000 })
      .toEqual(['follower', 'follower', 'leader'])
    for (const page of pages) {
      await expect
        .poll(async () => (await eventIds(page)).length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(3)
      await expect.poll(() => text(page, 'tabs-connections')).toBe('1')
      expect(await text(page, 'tabs-count')).toBe('3 (1 leading, 2 waiting for the lock)')
      expect(await text(page, 'tabs-status')).toBe('open')
    }
    // One request for all three tabs so far: the server never saw a second one.
    expect(await connections()).toEqual({ open: 1, opened: 1 })
    await first.screenshot({ path: `${artifacts}demo-tabs.png`, fullPage: true })

    // Close the tab that says it leads: its connection closes (so it was the one), another tab leads and
    // resumes, and the server is back to one connection.
    const leader = pages[(await roles(pages)).indexOf('leader')] as Page
    const rest = pages.filter((page) => page !== leader)
    const before = await Promise.all(rest.map(eventIds))
    const closedAt = Date.now()
    await leader.close()
    await expect
      .poll(async () => (await roles(rest)).sort(), { timeout: 5_000 })
      .toEqual(['follower', 'leader'])
    const newLeaderAfter = Date.now() - closedAt
    await expect.poll(connections, { timeout: 5_000 }).toEqual({ open: 1, opened: 2 })
    for (const [index, page] of rest.entries()) {
      const last = (before[index] as number[]).at(-1) as number
      await expect
        .poll(async () => (await eventIds(page)).at(-1), { timeout: 5_000 })
        .toBeGreaterThan(last + 3)
      await expect.poll(() => text(page, 'tabs-connections')).toBe('1')
      expect(await text(page, 'tabs-count')).toBe('2 (1 leading, 1 waiting for the lock)')
      // Across the hand-over: every id once, in order.
      const ids = await eventIds(page)
      expect(ids).toEqual(ids.map((_, i) => (ids[0] as number) + i))
      expect(await text(page, 'tabs-gaps')).toBe('0')
    }
    // Still one connection a moment later.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await connections()).toEqual({ open: 1, opened: 2 })
    console.info(`tabs demo: new leader shown ${newLeaderAfter} ms after closing the leader tab`)
  } finally {
    await context.close()
  }
  expect(errors).toEqual([])
})
