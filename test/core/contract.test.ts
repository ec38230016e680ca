import { afterEach, describe, expect, it, vi } from 'vitest'
import { sharedConnectionCount } from '../../src/core/api/share'
import { createEventStream, type EventStreamOptions, subscribe } from '../../src/index'
import { createMockStream } from '../../src/testing'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startSseServer } from '../helpers/sseServer'
import { flushMicrotasks, sleep, until } from '../helpers/until'

// The 0.2 contract: every option is checked before anything starts, and sharing honours every option.

const URL = 'https://sse.test/feed'
const SECRET = 'Bearer SECRET-TOKEN-123'
const track = closeAfterEach()

afterEach(() => {
  vi.useRealTimers()
})

/** Options that are invalid, by the option the error must name. */
const invalid: [name: string, options: Record<string, unknown>][] = [
  ['decode', { decode: 5 }],
  ['decode.tick', { decode: { tick: SECRET } }],
  ['signal', { signal: 'x' }],
  ['share', { share: SECRET }],
  ['method', { method: SECRET }],
  ['method', { method: 'GET', body: SECRET }],
  ['credentials', { credentials: SECRET }],
  ['redirect', { redirect: SECRET }],
  ['headers', { headers: { authorization: `${SECRET}\nX: 1` } }],
  ['headers', { headers: SECRET }],
  ['fetch', { fetch: SECRET }],
  ['retry', { retry: SECRET }],
  ['retry.initialDelay', { retry: { initialDelay: -1 } }],
  ['retry.shouldRetry', { retry: { shouldRetry: SECRET } }],
  ['retry.jitter', { retry: { jitter: SECRET } }],
  ['lastEventId', { lastEventId: 5 }],
  ['idleTimeout', { idleTimeout: 0 }],
  ['maxEventSize', { maxEventSize: Number.NaN }],
  ['pauseWhenHidden', { pauseWhenHidden: -5 }],
  ['lastEventIdParam', { lastEventIdParam: '' }],
  ['persist', { persist: SECRET }],
  ['resume', { resume: 'session' }],
  ['finite', { finite: 'yes' }],
  ['doneWhen', { doneWhen: '[DONE]' }],
  ['reconnectRequest', { reconnectRequest: { url: '/resume' } }],
]

describe('invalid options', () => {
  const openers = {
    createEventStream: (options: object) => createEventStream(URL, options as EventStreamOptions),
    'share: page': (options: object) => createEventStream(URL, { share: 'page', ...options }),
    subscribe: (options: object) => subscribe(URL, {}, options as EventStreamOptions),
  }

  for (const [opener, open] of Object.entries(openers)) {
    it.each(invalid)(
      `${opener}: an invalid \`%s\` throws a TypeError before anything starts`,
      async (name, options) => {
        vi.useFakeTimers()
        const fetch = vi.fn(globalThis.fetch)
        const timers = vi.getTimerCount()
        let thrown: unknown
        try {
          open({ fetch, ...options })
        } catch (error) {
          thrown = error
        }
        expect(thrown).toBeInstanceOf(TypeError)
        const { message } = thrown as TypeError
        expect(message).toContain(`\`${name}\``)
        expect(message).not.toContain('SECRET')
        await flushMicrotasks()
        expect(fetch).not.toHaveBeenCalled()
        expect(vi.getTimerCount()).toBe(timers)
        expect(sharedConnectionCount()).toBe(0)
      },
    )
  }

  it('subscribe checks its handlers and callbacks before anything starts', () => {
    const fetch = vi.fn(globalThis.fetch)
    expect(() => subscribe(URL, { tick: 'x' as never }, { fetch })).toThrow('`handlers.tick`')
    expect(() => subscribe(URL, {}, { fetch, onState: 1 as never })).toThrow('`onState`')
    expect(() => subscribe(URL, {}, { fetch, onError: {} as never })).toThrow('`onError`')
    expect(fetch).not.toHaveBeenCalled()
    expect(sharedConnectionCount()).toBe(0)
  })

  it('a later subscribe to the URL after an invalid one gets a connection of its own', async () => {
    const mock = track(createMockStream())
    expect(() => createEventStream(URL, { fetch: mock.fetch, decode: 5 as never })).toThrow(TypeError)
    track(subscribe(URL, {}, { fetch: mock.fetch }))
    await mock.waitForConnection()
    await sleep(50)
    expect(mock.requests).toHaveLength(1)
  })
})

describe('sharing honours every connection option', () => {
  const fn = () => true
  /** Pairs of options that must not share one connection. */
  const different: [name: string, a: EventStreamOptions, b: EventStreamOptions][] = [
    ['redirect', { redirect: 'error' }, {}],
    ['retry', { retry: { maxAttempts: 3 } }, {}],
    ['retry: false', { retry: false }, {}],
    ['retry.shouldRetry', { retry: { shouldRetry: () => true } }, { retry: { shouldRetry: () => true } }],
    ['idleTimeout', { idleTimeout: 30_000 }, {}],
    ['maxEventSize', { maxEventSize: 1024 }, {}],
    ['lastEventIdParam', { lastEventIdParam: 'last_event_id' }, {}],
    ['persist', { persist: { getItem: () => null, setItem() {}, removeItem() {} } }, {}],
    ['pauseWhenHidden', { pauseWhenHidden: 1000 }, {}],
    ['finite', { finite: true }, {}],
    ['doneWhen', { doneWhen: fn }, {}],
    ['reconnectRequest', { reconnectRequest: () => false }, {}],
    ['headers', { headers: { authorization: 'a' } }, { headers: { authorization: 'b' } }],
    ['credentials', { credentials: 'include' }, {}],
    [
      'method and body',
      { method: 'POST', body: 'a', finite: false },
      { method: 'POST', body: 'b', finite: false },
    ],
  ]

  it.each(different)('streams that differ in %s get two connections', async (_name, a, b) => {
    const mock = track(createMockStream())
    track(subscribe(URL, {}, { fetch: mock.fetch, ...a }))
    track(subscribe(URL, {}, { fetch: mock.fetch, ...b }))
    await mock.waitForConnection(2)
    expect(sharedConnectionCount()).toBe(2)
  })

  /** Pairs of options that are equal: one connection. */
  const equal: [name: string, a: EventStreamOptions, b: EventStreamOptions][] = [
    ['no options', {}, {}],
    [
      'headers in another spelling and order',
      { headers: { 'X-A': '1', 'x-b': '2' } },
      {
        headers: [
          ['x-b', '2'],
          ['x-a', '1'],
        ],
      },
    ],
    ['retry objects with equal values', { retry: { maxAttempts: 3 } }, { retry: { maxAttempts: 3 } }],
    [
      'the same functions',
      { doneWhen: fn, retry: { shouldRetry: fn } },
      { doneWhen: fn, retry: { shouldRetry: fn } },
    ],
    [
      'another decode and signal',
      { decode: 'text' },
      { decode: 'json', signal: new AbortController().signal },
    ],
  ]

  it.each(equal)('streams with %s share one connection', async (_name, a, b) => {
    const mock = track(createMockStream())
    track(subscribe(URL, {}, { fetch: mock.fetch, ...a }))
    track(subscribe(URL, {}, { fetch: mock.fetch, ...b }))
    await mock.waitForConnection()
    await sleep(20)
    expect(mock.requests).toHaveLength(1)
    expect(sharedConnectionCount()).toBe(1)
  })

  it("a second subscriber's redirect: 'error' is honoured: its headers never follow a redirect", async () => {
    const target = track(await startSseServer())
    const redirecting = track(
      await startSseServer({
        respond: () => ({ kind: 'reply', status: 307, headers: { location: target.url } }),
      }),
    )
    const errors: string[] = []
    track(subscribe(redirecting.url, {}, { headers: { 'x-token': 'a' }, retry: false }))
    track(
      subscribe(
        redirecting.url,
        {},
        { headers: { 'x-token': 'a' }, redirect: 'error', retry: false, onError: (e) => errors.push(e.code) },
      ),
    )
    await until(() => errors.length > 0, 3000, 'the refused redirect')
    await until(() => target.requests.length > 0, 3000, 'the followed redirect')
    await sleep(50)
    expect(errors).toEqual(['network'])
    // Only the first subscriber's connection followed the redirect.
    expect(target.requests).toHaveLength(1)
    expect(redirecting.requests).toHaveLength(2)
  })
})
