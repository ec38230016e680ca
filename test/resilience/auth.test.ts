import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventStream, type EventStreamError } from '../../src/index'
import { fakeClientTimers, runClientTimers } from '../helpers/clientTimers'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { type Plan, type RecordedRequest, type SseServer, startSseServer } from '../helpers/sseServer'
import { sleep, until } from '../helpers/until'

afterEach(() => {
  vi.useRealTimers()
})
// Hooks run last-registered first: streams and server close before the timers are reset.
const track = closeAfterEach()

async function serve(respond: (request: RecordedRequest) => Plan): Promise<SseServer> {
  return track(await startSseServer({ count: 5, respond }))
}

const authorizationOf = (request: RecordedRequest | undefined) => request?.headers.authorization

describe('auth: fresh headers on every attempt', () => {
  it.each([
    ['a', (token: string) => ({ authorization: token })],
    ['an async', async (token: string) => ({ authorization: token })],
  ])('calls %s headers function before every attempt and sends the token it returns', async (_what, give) => {
    const server = await serve(() => ({ kind: 'stream', limit: 1, endWhenDone: true }))
    let issued = 0
    const headers = vi.fn(() => give(`Bearer token-${++issued}`))
    const ids: string[] = []
    const stream = track(createEventStream(server.url, { headers, retry: { initialDelay: 1 } }))
    stream.onAny((event) => ids.push(event.id))
    await until(() => ids.length >= 3, 3000, 'three events over three connections')
    stream.close()
    // One call per attempt, in order: request n carries token n.
    expect(server.requests.map(authorizationOf)).toEqual(
      server.requests.map((_request, i) => `Bearer token-${i + 1}`),
    )
    expect(server.requests.slice(0, 3).map(authorizationOf)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
      'Bearer token-3',
    ])
    expect(server.requests.slice(0, 3).map((request) => request.lastEventId)).toEqual(['', '1', '2'])
  })

  it('awaits an async headers function (a token refresh) before connecting', async () => {
    const server = await serve(() => ({ kind: 'stream' }))
    const ids: string[] = []
    const stream = track(
      createEventStream(server.url, {
        headers: async () => {
          await sleep(20) // a slow token refresh: the client must wait for it
          return [['authorization', 'Bearer refreshed']]
        },
      }),
    )
    stream.onAny((event) => ids.push(event.id))
    await until(() => ids.length === 5, 3000, 'five events')
    expect(authorizationOf(server.requests[0])).toBe('Bearer refreshed')
  })

  it('retries a 401 with the new token when shouldRetry says so, counting the attempts', async () => {
    const server = await serve((request) =>
      authorizationOf(request) === 'Bearer fresh' ? { kind: 'stream' } : { kind: 'reply', status: 401 },
    )
    const tokens = ['stale', 'expired', 'fresh']
    const headers = vi.fn(() => ({ authorization: `Bearer ${tokens.shift() ?? 'fresh'}` }))
    const shouldRetry = vi.fn((error: EventStreamError, attempt: number, byDefault: boolean) =>
      error.status === 401 ? attempt <= 3 : byDefault,
    )
    const ids: string[] = []
    const errors: EventStreamError[] = []
    const stream = track(createEventStream(server.url, { headers, retry: { initialDelay: 1, shouldRetry } }))
    stream.onAny((event) => ids.push(event.id))
    stream.onError((error) => errors.push(error))
    await until(() => ids.length === 5, 3000, 'the events after the retries')
    expect(server.requests.map(authorizationOf)).toEqual(['Bearer stale', 'Bearer expired', 'Bearer fresh'])
    expect(errors.map((error) => [error.code, error.status])).toEqual([
      ['http', 401],
      ['http', 401],
    ])
    expect(shouldRetry.mock.calls).toEqual([
      [errors[0], 1, false],
      [errors[1], 2, false],
    ])
    expect(stream.state.status).toBe('open')
    expect(stream.state.error).toBeUndefined()
  })

  it('treats a 401 as fatal without shouldRetry: closed, error kept, headers asked once, until reconnect()', async () => {
    fakeClientTimers()
    const server = await serve(() => ({ kind: 'reply', status: 401 }))
    const headers = vi.fn(() => ({ authorization: 'Bearer expired' }))
    const errors: EventStreamError[] = []
    const stream = track(createEventStream(server.url, { headers, retry: { initialDelay: 1 } }))
    stream.onError((error) => errors.push(error))
    await until(() => stream.state.status === 'closed', 3000, 'closed')
    await runClientTimers()
    expect(stream.state.status).toBe('closed')
    expect(stream.state.error).toMatchObject({ code: 'http', status: 401 })
    expect(stream.state.error?.message).toBe(`GET ${server.url} failed with HTTP 401 Unauthorized`)
    expect(errors).toEqual([stream.state.error])
    expect(server.requests).toHaveLength(1)
    expect(headers).toHaveBeenCalledTimes(1)

    stream.reconnect()
    await until(
      () => server.requests.length === 2 && stream.state.status === 'closed',
      3000,
      'the second 401',
    )
    expect(headers).toHaveBeenCalledTimes(2)
    expect(errors).toHaveLength(2)
  })

  it('reports a headers function that throws as a headers error (not a network error) and tries again', async () => {
    const server = await serve(() => ({ kind: 'stream' }))
    let calls = 0
    const refreshFailed = new Error('token service down')
    const errors: EventStreamError[] = []
    const ids: string[] = []
    const stream = track(
      createEventStream(server.url, {
        headers: () => {
          if (++calls === 1) throw refreshFailed
          return { authorization: 'Bearer second-try' }
        },
        retry: { initialDelay: 1 },
      }),
    )
    stream.onAny((event) => ids.push(event.id))
    stream.onError((error) => errors.push(error))
    await until(() => ids.length === 5, 3000, 'the events after the second try')
    expect(errors.map((error) => error.code)).toEqual(['headers'])
    expect(errors[0]?.message).toMatch(/`headers` function threw: token service down/)
    expect(errors[0]?.cause).toBe(refreshFailed)
    expect(server.requests.map(authorizationOf)).toEqual(['Bearer second-try'])
  })

  it.each([
    ['returns null', () => null, /`headers` function gave null/],
    ['returns a number', () => 42, /`headers` function gave a number/],
    ['rejects', () => Promise.reject(new Error('refresh rejected')), /refresh rejected/],
    [
      'returns an invalid header value',
      () => ({ authorization: 'Bearer s3cret\r\nx: y' }),
      /"authorization"/,
    ],
    ['returns an invalid header name', () => [['bad name', 'v']], /"bad name"/],
  ])(
    'gives one headers error when the headers function %s, and asks shouldRetry',
    async (_what, headers, message) => {
      const server = await serve(() => ({ kind: 'stream' }))
      const shouldRetry = vi.fn((_error: EventStreamError, _attempt: number, _byDefault: boolean) => false)
      const stream = track(
        createEventStream(server.url, { headers: headers as never, retry: { initialDelay: 1, shouldRetry } }),
      )
      await until(() => stream.state.status === 'closed', 3000, 'closed')
      expect(stream.state.error?.code).toBe('headers')
      expect(stream.state.error?.message).toMatch(message)
      expect(stream.state.error?.message).not.toMatch(/s3cret/)
      expect(shouldRetry).toHaveBeenCalledTimes(1)
      expect(shouldRetry.mock.calls[0]?.[1]).toBe(1)
      expect(shouldRetry.mock.calls[0]?.[2]).toBe(true) // retried by default
      expect(server.requests).toHaveLength(0)
    },
  )

  it('keeps Accept: text/event-stream whatever the headers say', async () => {
    const server = await serve(() => ({ kind: 'stream' }))
    track(createEventStream(server.url, { headers: { accept: 'application/json', 'x-client': 'tests' } }))
    await until(() => server.requests.length === 1, 3000, 'the request')
    expect(server.requests[0]?.headers.accept).toBe('text/event-stream')
    expect(server.requests[0]?.headers['x-client']).toBe('tests')
  })
})

describe('static headers are checked when the stream is created', () => {
  it.each([
    ['a value with CR LF', { authorization: 'Bearer s3cret\r\nx-evil: 1' }, /"authorization"/],
    ['a value with NUL', [['x-api-key', 'k\0s3cret']], /"x-api-key"/],
    ['a name with a space', { 'bad name': 's3cret' }, /"bad name"/],
    ['a pair that is not a pair', [['only-a-name']], /headers/],
  ])('throws a TypeError for %s, naming the header but never its value', (_what, headers, message) => {
    let thrown: unknown
    try {
      createEventStream('http://127.0.0.1:9/feed', { headers: headers as HeadersInit })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(TypeError)
    expect((thrown as Error).message).toMatch(message)
    expect((thrown as Error).message).not.toMatch(/s3cret/)
  })

  it('never sends a request for invalid static headers', () => {
    const fetch = vi.fn(globalThis.fetch)
    expect(() => createEventStream('http://127.0.0.1:9/feed', { fetch, headers: { a: 'x\ny' } })).toThrow(
      TypeError,
    )
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('credentials', () => {
  async function credentialsPassed(credentials?: RequestCredentials) {
    const server = await serve(() => ({ kind: 'stream' }))
    const seen: (RequestCredentials | undefined)[] = []
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(init?.credentials)
      return globalThis.fetch(input, init)
    }) as typeof globalThis.fetch
    const ids: string[] = []
    const stream = track(createEventStream(server.url, { fetch, ...(credentials && { credentials }) }))
    stream.onAny((event) => ids.push(event.id))
    await until(() => ids.length === 5, 3000, 'five events')
    return { seen, server }
  }

  it("passes credentials: 'include' to fetch, so that cookies go with cross-origin requests", async () => {
    const { seen } = await credentialsPassed('include')
    expect(seen).toEqual(['include'])
  })

  it('does not ask for credentials unless told to (fetch keeps its same-origin default)', async () => {
    const { seen, server } = await credentialsPassed()
    expect(seen).toEqual([undefined])
    expect(server.requests[0]?.headers.cookie).toBeUndefined()
  })

  it("passes credentials: 'omit' through too", async () => {
    const { seen } = await credentialsPassed('omit')
    expect(seen).toEqual(['omit'])
  })
})
