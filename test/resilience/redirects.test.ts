// Redirects: followed by default, as EventSource does. Which request headers reach another origin is up to
// fetch (it drops Authorization and cookies, not custom headers), so `redirect: 'error'` exists for
// requests that carry secrets in custom headers.
import { describe, expect, it } from 'vitest'
import type { EventStreamOptions } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startRecordedStream } from '../helpers/recordedStream'
import { type Plan, type RecordedRequest, startSseServer } from '../helpers/sseServer'
import { until } from '../helpers/until'

const track = closeAfterEach()
const setup = (respond: (request: RecordedRequest) => Plan, options?: EventStreamOptions, path?: string) =>
  startRecordedStream(track, respond, options, path)

describe('redirects', () => {
  it.each([301, 302, 307, 308])(
    'follows a %i to the stream and keeps Last-Event-ID through it on reconnect',
    async (status) => {
      const { events, server } = await setup(
        (request) => {
          if (request.url === '/old') return { kind: 'reply', status, headers: { location: '/stream' } }
          // The first stream answer ends after two events; the second serves the rest.
          return request.index === 1 ? { kind: 'stream', limit: 2, endWhenDone: true } : { kind: 'stream' }
        },
        {},
        '/old',
      )
      await until(() => events.length === 5, 3000, 'five events')
      expect(events.map((event) => event.id)).toEqual(['1', '2', '3', '4', '5'])
      expect(server.requests.map((request) => [request.url, request.lastEventId])).toEqual([
        ['/old', ''],
        ['/stream', ''],
        ['/old', '2'],
        ['/stream', '2'],
      ])
    },
  )

  it('fails with a content-type error when a redirect leads to an HTML login page', async () => {
    const { stream } = await setup(
      (request) =>
        request.url === '/old'
          ? { kind: 'reply', status: 302, headers: { location: '/login' } }
          : { kind: 'reply', status: 200, headers: { 'content-type': 'text/html' }, body: '<form>' },
      {},
      '/old',
    )
    await until(() => stream.state.status === 'closed', 3000, 'closed')
    expect(stream.state.error?.code).toBe('content-type')
  })

  describe('to another origin', () => {
    const secrets = { authorization: 'Bearer s3cret', 'x-api-key': 'k3y' }

    async function crossOrigin(options: EventStreamOptions) {
      const other = track(await startSseServer({ count: 3 }))
      const { server, stream, events, errors } = await setup(
        () => ({ kind: 'reply', status: 307, headers: { location: other.url } }),
        { headers: secrets, lastEventId: '1', ...options },
      )
      return { server, other, stream, events, errors }
    }

    it('follows by default: fetch drops Authorization, but custom headers and Last-Event-ID reach the other origin', async () => {
      const { other, events } = await crossOrigin({})
      await until(() => events.length === 2, 3000, 'the events of the other origin')
      const seen = other.requests[0]?.headers
      expect(seen?.authorization).toBeUndefined()
      expect(seen?.['x-api-key']).toBe('k3y')
      expect(seen?.['last-event-id']).toBe('1')
    })

    it("with redirect: 'error', never contacts the other origin and reports a network error", async () => {
      const { server, other, stream, errors } = await crossOrigin({ redirect: 'error', retry: false })
      await until(() => stream.state.status === 'closed', 3000, 'closed')
      expect(errors.map((error) => error.code)).toEqual(['network'])
      expect(server.requests).toHaveLength(1)
      expect(other.requests).toHaveLength(0)
    })

    it("with redirect: 'manual', reports the redirect as a fatal http error", async () => {
      const { other, stream, errors } = await crossOrigin({ redirect: 'manual' })
      await until(() => stream.state.status === 'closed', 3000, 'closed')
      expect(errors.map((error) => [error.code, error.status])).toEqual([['http', 307]])
      expect(other.requests).toHaveLength(0)
    })
  })
})
