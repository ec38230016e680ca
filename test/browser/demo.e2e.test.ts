// `npm start`'s demo page in Chromium: the vanilla and the React view both show live events.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createDemoServer } from '../../demo/server.js'
import { artifacts, launchChromium, watchErrors } from './pages'

let server: Server
let browser: Browser
let origin: string

beforeAll(async () => {
  server = createDemoServer({ interval: 150 })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
})

it('shows live events from the demo server in the vanilla view and in the React view', async () => {
  const page = await browser.newPage()
  const errors = watchErrors(page)
  await page.goto(origin)
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
