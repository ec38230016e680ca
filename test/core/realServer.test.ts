import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createDemoServer } from '../../demo/server.js'
import { createEventStream } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { until } from '../helpers/until'

const track = closeAfterEach()

/** Starts `server` on 127.0.0.1 (closed after the test, its connections first) and returns its origin. */
async function listen(server: http.Server): Promise<string> {
  track({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('against a real node:http server on 127.0.0.1', () => {
  it('consumes a plain /stream of numbered messages end to end', async () => {
    const origin = await listen(createDemoServer({ interval: 5 }))
    const stream = track(createEventStream<{ message: string }>(`${origin}/stream`, { decode: 'text' }))
    const messages: string[] = []
    for await (const event of stream) {
      messages.push(event.data)
      if (messages.length === 5) break
    }
    expect(messages).toEqual(['Message 0', 'Message 1', 'Message 2', 'Message 3', 'Message 4'])
    expect(stream.state).toMatchObject({ status: 'closed', lastEventId: '4' })
  })

  it('resumes from Last-Event-ID after the server cuts mid-event: every event exactly once, in order', async () => {
    const total = 60
    const lastEventIds: (string | undefined)[] = []
    const lastCompleteIds: string[] = []
    let connection = 0
    const origin = await listen(
      http.createServer((request, response) => {
        lastEventIds.push(request.headers['last-event-id'] as string | undefined)
        const first = Number(request.headers['last-event-id'] ?? -1) + 1
        const cutAfter = 3 + (connection++ % 5) // 3…7 whole events, then half of the next one
        response.writeHead(200, { 'content-type': 'text/event-stream' })
        let body = ''
        for (let id = first; id < Math.min(total, first + cutAfter); id++)
          body += `id: ${id}\ndata: {"n":${id}}\n\n`
        lastCompleteIds.push(String(Math.min(total, first + cutAfter) - 1))
        if (first + cutAfter < total) {
          const next = first + cutAfter
          body += `id: ${next}\ndata: {"n":${next}}\n` // no blank line: never dispatched
          response.end(body.slice(0, body.length - 3))
          return
        }
        response.write(body)
      }),
    )
    const stream = track(
      createEventStream<{ message: { n: number } }>(`${origin}/`, {
        retry: { initialDelay: 1, maxDelay: 5 },
      }),
    )
    const received: number[] = []
    for await (const event of stream) {
      received.push(event.data.n)
      if (event.data.n === total - 1) break
    }
    expect(received).toEqual(Array.from({ length: total }, (_, n) => n))
    expect(lastEventIds.length).toBeGreaterThan(8)
    // Each reconnect resumes from the last complete event of the connection before it.
    expect(lastEventIds).toEqual([undefined, ...lastCompleteIds.slice(0, -1)])
  })

  it('closes the request at the server when close() is called', async () => {
    let closedAtServer = false
    const origin = await listen(
      http.createServer((request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' })
        response.write('data: 1\n\n')
        request.on('close', () => {
          closedAtServer = true
        })
      }),
    )
    const stream = track(createEventStream(`${origin}/`))
    for await (const _ of stream) break
    await until(() => closedAtServer, 2000, 'the server to see the request closed')
    expect(closedAtServer).toBe(true)
  })
})
