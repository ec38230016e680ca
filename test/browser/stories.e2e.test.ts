// Story smoke tests: the built Storybook (e2e.setup.ts builds it) served on 127.0.0.1 and every story opened
// in Chromium. Each must render what it is about, log no console error, and leave a screenshot.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest'
import { chatAnswer } from '../../stories/mocks/chatAnswer'
import { artifacts, launchChromium, watchErrors } from './pages'
import { serveFolder } from './staticServer'

const folder = fileURLToPath(new URL('../../storybook-static/', import.meta.url))

interface Check {
  /** Storybook `args` overrides in the URL (`interval:100;dropEvery:0`), to keep the test short. */
  args?: string
  /** Console errors the story causes on purpose: the browser logs failed loads of the endpoints it shows failing. */
  expectedErrors?: RegExp
  run(page: Page, expect: ExpectStatic): Promise<void>
}

const poll = { timeout: 15_000, interval: 100 }
const text = async (page: Page, testId: string) =>
  (await page.getByTestId(testId).first().textContent()) ?? ''
const number = async (page: Page, testId: string) => Number(await text(page, testId))

/** What each story must show. A story without an entry here fails the first test. */
const checks: Record<string, Check> = {
  'examples-1-live-feed--every-second': {
    // The default: one message per second, as the demo server sends it.
    async run(page, expect) {
      const items = page.getByTestId('feed').locator('li')
      await expect.poll(() => items.count(), poll).toBeGreaterThanOrEqual(3)
      expect((await items.allTextContents()).slice(-3)).toEqual(['Message 2', 'Message 1', 'Message 0'])
      expect(await text(page, 'state-status')).toBe('open')
    },
  },
  'examples-2-typed-json-events--stock-ticker': {
    args: 'interval:100',
    async run(page, expect) {
      await expect.poll(() => page.getByTestId('chat').locator('li').count(), poll).toBeGreaterThanOrEqual(1)
      await expect.poll(() => page.getByTestId('prices').locator('tr').count(), poll).toBe(3)
      expect(await text(page, 'last-type')).toMatch(/^(tick|trade|chat)$/)
      expect(await text(page, 'last-event')).toMatch(
        / is at \d+\.\d\d$|^(buy|sell) \d+ \w+$|^\w+: hello #\d+$/,
      )
      expect(await page.getByTestId('chat').locator('li').first().textContent()).toMatch(
        /^(ada|grace|linus) hello #\d+$/,
      )
    },
  },
  'examples-3-reconnect-and-resume--drop-and-resume': {
    args: 'interval:100;dropEvery:0;initialDelay:300',
    async run(page, expect) {
      await expect.poll(() => number(page, 'received'), poll).toBeGreaterThanOrEqual(3)
      await page.getByTestId('drop').click()
      const requests = page.getByTestId('requests').locator('li')
      await expect.poll(() => requests.count(), poll).toBe(2)
      const resumedAfter = Number(
        ((await requests.nth(1).textContent()) ?? '').match(/Last-Event-ID: (\d+)/)?.[1],
      )
      expect(resumedAfter).toBeGreaterThanOrEqual(2)
      await expect.poll(() => number(page, 'received'), poll).toBeGreaterThanOrEqual(resumedAfter + 4)
      expect(await text(page, 'duplicates')).toBe('0')
      expect(await text(page, 'gaps')).toBe('0')
      expect(await text(page, 'state-status')).toBe('open')
    },
  },
  'examples-4-errors--unauthorized': {
    expectedErrors: /status of 401/,
    async run(page, expect) {
      await expect.poll(() => text(page, 'state-error'), poll).toBe('http 401')
      expect(await text(page, 'state-status')).toBe('closed')
    },
  },
  'examples-4-errors--server-error-with-retry-after': {
    expectedErrors: /status of 500/,
    async run(page, expect) {
      await expect.poll(() => text(page, 'state-error'), poll).toBe('http 500')
      expect(await text(page, 'state-status')).toBe('reconnecting')
      expect(await text(page, 'state-delay')).toMatch(/^\d+ ms$/)
    },
  },
  'examples-4-errors--wrong-content-type': {
    async run(page, expect) {
      await expect.poll(() => text(page, 'state-error'), poll).toBe('content-type')
      expect(await text(page, 'state-status')).toBe('closed')
    },
  },
  'examples-4-errors--invalid-json': {
    async run(page, expect) {
      await expect.poll(() => text(page, 'events'), poll).toBe('{"n":1} {"n":3}')
      expect(await text(page, 'state-error')).toBe('decode')
      expect(await text(page, 'state-status')).toBe('open')
    },
  },
  'examples-5-token-streaming-post--streamed-answer': {
    args: 'delay:10',
    async run(page, expect) {
      await expect.poll(() => text(page, 'done'), poll).toMatch(/^Done: \d+ tokens\./)
      // The `done` event comes just before the body ends: the cursor goes once the status is `closed`.
      await expect.poll(() => text(page, 'state-status'), poll).toBe('closed')
      const answer = await text(page, 'answer')
      expect(answer).toMatch(/^You asked: "What are Server-Sent Events\?"\. Server-Sent Events are /)
      expect(answer).toMatch(/token by token as it arrives\.$/)
    },
  },
  'examples-6-high-rate-stream--thousands-per-second': {
    async run(page, expect) {
      await expect.poll(() => number(page, 'received'), poll).toBeGreaterThanOrEqual(3000)
      const [received, renders] = [await number(page, 'received'), await number(page, 'renders')]
      expect(renders).toBeLessThan(received / 10)
      expect(await text(page, 'gaps')).toBe('0')
    },
  },
  'examples-7-shared-connection--badge-and-inbox': {
    async run(page, expect) {
      await expect.poll(() => number(page, 'badge-count'), poll).toBeGreaterThanOrEqual(2)
      await expect.poll(() => page.getByTestId('inbox').locator('li').count(), poll).toBeGreaterThanOrEqual(2)
      expect(await text(page, 'request-count')).toBe('1')
      // Unmounting one consumer keeps the connection; mounting it again joins the open one.
      await page.getByRole('button', { name: 'Unmount the inbox' }).click()
      await page.getByRole('button', { name: 'Mount the inbox' }).click()
      const count = await number(page, 'badge-count')
      await expect.poll(() => number(page, 'badge-count'), poll).toBeGreaterThan(count)
      expect(await text(page, 'request-count')).toBe('1')
    },
  },
  'examples-8-reload-me--counter': {
    args: 'interval:100',
    async run(page, expect) {
      await expect.poll(() => number(page, 'counter'), poll).toBeGreaterThanOrEqual(5)
      expect(await text(page, 'resumed-after')).toBe('(none)')
      expect(await text(page, 'first')).toBe('0')
      const before = await number(page, 'counter')
      // The frame reloads: the new page's first request resumes after what the old page stored at pagehide.
      await page.reload()
      await expect.poll(() => text(page, 'resumed-after'), poll).toMatch(/^\d+$/)
      const resumedAfter = Number(await text(page, 'resumed-after'))
      expect(resumedAfter).toBeGreaterThanOrEqual(before)
      await expect.poll(() => number(page, 'counter'), poll).toBeGreaterThan(resumedAfter + 3)
      expect(await text(page, 'first')).toBe(String(resumedAfter + 1))
      expect(await text(page, 'gaps')).toBe('0')
      expect(await text(page, 'duplicates')).toBe('0')
      expect(await text(page, 'state-status')).toBe('open')
    },
  },
  'examples-9-chat-answer-that-survives-a-cut--cut-and-resume': {
    args: 'initialDelay:100',
    async run(page, expect) {
      // Cut mid-answer: the hook resumes with a GET and Last-Event-ID, and the text completes exactly.
      await expect.poll(async () => (await text(page, 'answer')).length, poll).toBeGreaterThan(40)
      await page.getByTestId('cut').click()
      await expect.poll(() => text(page, 'state-status'), poll).toBe('closed')
      expect(await text(page, 'answer')).toBe(chatAnswer)
      expect(await page.getByTestId('state-error').count()).toBe(0)
      const [post, resume, ...more] = await page.getByTestId('requests').locator('li').allTextContents()
      expect(post).toBe('POST /v1/chat/completions · Last-Event-ID: (none)')
      const resumedAfter = Number(resume?.match(/^GET \/chat\/chat-\w+\/stream · Last-Event-ID: (\d+)$/)?.[1])
      expect(resumedAfter).toBeGreaterThan(0)
      expect(resumedAfter).toBeLessThan(chatAnswer.split(' ').length)
      expect(more).toEqual([])
    },
  },
}

const index: { entries: Record<string, { type: string }> } = JSON.parse(
  readFileSync(`${folder}index.json`, 'utf8'),
)
const stories = Object.entries(index.entries)
  .filter(([, entry]) => entry.type === 'story')
  .map(([id]) => id)

let server: Awaited<ReturnType<typeof serveFolder>>
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  server = await serveFolder(folder)
  browser = await launchChromium()
  // One context for all stories: MSW's service worker registers once.
  context = await browser.newContext({ viewport: { width: 900, height: 700 } })
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

it('has a smoke check for every story in the build', ({ expect }) => {
  expect(stories.sort()).toEqual(Object.keys(checks).sort())
})

describe.concurrent('every story renders in Chromium', () => {
  for (const [id, check] of Object.entries(checks)) {
    it(id, async ({ expect }) => {
      const page = await context.newPage()
      const errors = watchErrors(page)
      try {
        const args = check.args ? `&args=${check.args}` : ''
        await page.goto(`${server.origin}/iframe.html?id=${id}&viewMode=story${args}`)
        await check.run(page, expect)
        await page.screenshot({ path: `${artifacts}stories/${id}.png`, fullPage: true })
        const unexpected = errors.filter((error) => !check.expectedErrors?.test(error))
        expect(unexpected).toEqual([])
      } finally {
        await page.close()
      }
    })
  }
})
