// `npm start`'s chat panel and "Cut the connection" buttons in Chromium: the demo server destroys the response,
// the page resumes (the chat with a GET of its resume URL, the feeds with the same GET) with Last-Event-ID, the
// answer completes exactly, and the page's request log shows each request the server got.
import type { Page } from 'playwright'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { chatAnswer } from '../../demo/server.js'
import { demoInChromium } from './demoInChromium'
import { artifacts, watchErrors } from './pages'

let page: Page
let errors: string[]

/** Chromium reports a response the server destroyed mid-body; nothing else may reach the console. */
const cutErrors = /ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE/

const demo = demoInChromium({ interval: 150, tokenInterval: 15 })

beforeEach(async () => {
  page = await demo.browser.newPage()
  errors = watchErrors(page)
  await page.goto(demo.origin)
})

afterEach(async () => {
  await page.close()
  expect(errors.filter((error) => !cutErrors.test(error))).toEqual([])
})

const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? ''
/** The request log's entries, oldest first, that match `path`. */
const logged = async (path: RegExp) =>
  (await page.getByTestId('request-log').locator('li').allTextContents()).filter((entry) => path.test(entry))

it('streams the chat answer, resumes it after a cut with a GET and Last-Event-ID, and completes it exactly', async () => {
  const chat = page.locator('#chat')
  await chat.getByRole('button', { name: 'Ask' }).click()
  // Mid-answer (the page shows a cursor while it streams).
  await expect.poll(async () => (await text('chat-answer')).length, { timeout: 10_000 }).toBeGreaterThan(40)
  expect(await text('chat-status')).toBe('open')
  await chat.getByRole('button', { name: 'Cut the connection' }).click()
  await expect.poll(() => text('chat-status'), { timeout: 10_000 }).toBe('closed')
  expect(await text('chat-answer')).toBe(chatAnswer)

  const requests = await logged(/\/chat\//)
  expect(requests).toHaveLength(2)
  expect(requests[0]).toBe('POST /v1/chat/completions · Last-Event-ID: –')
  const resumedAfter = Number(
    requests[1]?.match(/^GET \/chat\/chat-[\w-]+\/stream · Last-Event-ID: (\d+)$/)?.[1],
  )
  const tokens = chatAnswer.split(' ').length
  expect(resumedAfter).toBeGreaterThan(0)
  expect(resumedAfter).toBeLessThan(tokens)
  // The last chunk's id: the one with finish_reason 'stop', after the tokens.
  expect(await text('chat-last-id')).toBe(String(tokens + 1))
  await page.screenshot({ path: `${artifacts}demo-chat.png`, fullPage: true })
})

it("resumes each feed after its cut with Last-Event-ID, and the log shows that feed's GET", async () => {
  const vanilla = page.getByTestId('vanilla-messages').locator('li')
  await expect.poll(() => vanilla.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
  await expect.poll(() => text('react-status'), { timeout: 10_000 }).toBe('open')
  // The log starts with what the server got before (the earlier test's page too): this test reads what follows.
  const before = (await logged(/./)).length
  const since = async (path: RegExp) => (await logged(/./)).slice(before).filter((entry) => path.test(entry))

  await page.getByTestId('vanilla-cut').click()
  await page.getByTestId('react-cut').click()
  await expect.poll(() => since(/^GET \/stream /), { timeout: 10_000 }).toHaveLength(1)
  await expect.poll(() => since(/^GET \/events /), { timeout: 10_000 }).toHaveLength(1)
  const [stream] = await since(/^GET \/stream /)
  const [events] = await since(/^GET \/events /)
  const resumed = Number(stream?.match(/^GET \/stream · Last-Event-ID: (\d+)$/)?.[1])
  expect(resumed).toBeGreaterThanOrEqual(2)
  expect(events).toMatch(/^GET \/events · Last-Event-ID: \d+$/)
  // The vanilla view goes on after the resume, every message once and in order.
  await expect
    .poll(async () => Number((await vanilla.first().textContent())?.slice(8)), { timeout: 10_000 })
    .toBeGreaterThan(resumed + 2)
  const numbers = (await vanilla.allTextContents()).map((item) => Number(item.slice(8))).reverse()
  expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] as number) + i))
  await expect.poll(() => text('react-status'), { timeout: 10_000 }).toBe('open')
  await expect.poll(() => text('vanilla-status'), { timeout: 10_000 }).toBe('open')
})
