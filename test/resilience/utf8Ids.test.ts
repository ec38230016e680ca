import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createEventStream } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { until } from '../helpers/until'

// WHATWG: the last event ID goes back as UTF-8. fetch takes a header value as bytes (a ByteString), so an ID
// outside Latin-1 (`€`) must be sent as its UTF-8 bytes, not rejected, and `é` as two bytes, not one.

const track = closeAfterEach()

/** A server that sends one event with `id` and cuts the connection, then records what each reconnect sends. */
async function cutAfterId(id: string) {
  const requests: { header: string | undefined; url: string }[] = []
  const server = createServer((request: IncomingMessage, response) => {
    // Node reads header bytes as Latin-1: one character per byte.
    const header = request.headers['last-event-id'] as string | undefined
    requests.push({ header, url: request.url ?? '' })
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    if (requests.length === 1) response.write(`id: ${id}\ndata: first\n\n`, () => response.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  track({ close: () => new Promise((resolve) => server.close(resolve)) })
  server.on('connection', (socket) => server.once('close', () => socket.destroy()))
  return { url: `http://127.0.0.1:${port}/feed?topic=x`, requests }
}

const ids = ['€1', 'é', '日本語-42', '🙂', 'plain-7']

describe('event IDs outside ASCII survive a reconnect', () => {
  it.each(ids)('sends %s back as its UTF-8 bytes in Last-Event-ID', async (id) => {
    const server = await cutAfterId(id)
    const errors: string[] = []
    const stream = track(createEventStream(server.url, { retry: { initialDelay: 10 } }))
    stream.onError((error) => errors.push(error.message))
    await until(() => server.requests.length >= 2, 3000, 'the reconnect')
    const sent = server.requests[1]?.header as string
    expect(Buffer.from(sent, 'latin1').toString('utf8')).toBe(id)
    expect(stream.state.lastEventId).toBe(id)
    expect(errors.filter((message) => !message.includes('connection lost'))).toEqual([])
  })

  it.each(ids)('sends %s percent-encoded as UTF-8 in lastEventIdParam', async (id) => {
    const server = await cutAfterId(id)
    track(createEventStream(server.url, { retry: { initialDelay: 10 }, lastEventIdParam: 'last_event_id' }))
    await until(() => server.requests.length >= 2, 3000, 'the reconnect')
    const url = new URL(server.requests[1]?.url as string, 'http://x')
    expect(url.searchParams.get('last_event_id')).toBe(id)
    expect(url.searchParams.get('topic')).toBe('x')
    expect(server.requests[1]?.header).toBeUndefined()
  })
})
