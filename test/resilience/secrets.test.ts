// Tokens travel in query strings (the browser's EventSource cannot send headers) and in Authorization
// headers. Error messages end up in logs, error trackers and `state.error`: they never quote either.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createEventStream, type EventStreamError, type EventStreamOptions } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { type Plan, startSseServer } from '../helpers/sseServer'
import { until } from '../helpers/until'

const track = closeAfterEach()

const SECRET = 's3cret-t0ken'
const query = `?token=${SECRET}&user=ada`
const headers = { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET }

async function firstError(
  plan: Plan,
  options: EventStreamOptions = {},
): Promise<{ error: EventStreamError; url: string }> {
  const server = track(await startSseServer({ count: 1, respond: () => plan }))
  const url = `${server.url}${query}#frag-${SECRET}`
  const errors: EventStreamError[] = []
  const stream = track(createEventStream(url, { headers, retry: false, ...options }))
  stream.onError((error) => errors.push(error))
  await until(() => errors.length > 0, 3000, 'an error')
  return { error: errors[0] as EventStreamError, url: `${server.url}${query}` }
}

function expectNoSecret(error: EventStreamError, origin: string): void {
  expect(error.message).not.toContain(SECRET)
  expect(error.message).toContain(`${origin}/stream?token=***&user=***`)
  expect(String(error)).not.toContain(SECRET)
  expect(inspect(error)).not.toContain(SECRET)
  expect(JSON.stringify(error)).not.toContain(SECRET)
}

describe('error messages never carry secrets', () => {
  it.each<[string, Plan, EventStreamOptions]>([
    ['http', { kind: 'reply', status: 500 }, {}],
    [
      'content-type',
      { kind: 'reply', status: 200, headers: { 'content-type': 'text/html' }, body: '<p>' },
      {},
    ],
    ['too-large', { kind: 'stream' }, { maxEventSize: 1 }],
    ['idle-timeout', { kind: 'stream', stallAfter: 0 }, { idleTimeout: 50 }],
    ['network', { kind: 'stream', cutAfter: 3 }, {}],
  ])(
    'a %s error shows the origin and path with query values redacted; error.url has the full URL',
    async (code, plan, options) => {
      const { error, url } = await firstError(plan, options)
      expect(error.code).toBe(code)
      expectNoSecret(error, new URL(url).origin)
      expect(error.url).toBe(url)
    },
  )

  it('scrubs the secrets out of what a failing fetch says', async () => {
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('authorization')
      throw new TypeError(`cannot reach ${String(input)} with ${auth}`)
    }) as typeof globalThis.fetch
    const errors: EventStreamError[] = []
    const stream = track(
      createEventStream(`http://127.0.0.1:9/stream${query}`, { fetch, headers, retry: false }),
    )
    stream.onError((error) => errors.push(error))
    await until(() => errors.length > 0, 3000, 'the error')
    expect(errors[0]?.code).toBe('network')
    // The message is scrubbed; `cause` is the error as fetch threw it, for code that asks for it.
    expect(errors[0]?.message).toBe(
      `GET http://127.0.0.1:9/stream?token=***&user=***: request failed (cannot reach http://127.0.0.1:9/stream?token=***&user=ada with Bearer ***)`,
    )
  })

  it('keeps user:password out of messages', async () => {
    const fetch = (async () => new Response('', { status: 500 })) as typeof globalThis.fetch
    const stream = track(
      createEventStream(`http://ada:${SECRET}@127.0.0.1:9/stream`, { fetch, retry: false }),
    )
    await until(() => stream.state.status === 'closed', 3000, 'closed')
    expect(stream.state.error?.message).not.toContain(SECRET)
    expect(stream.state.error?.message).toContain('http://127.0.0.1:9/stream')
  })

  it('does not quote the query of a URL it cannot parse', () => {
    expect(() => createEventStream(`/relative?token=${SECRET}`)).toThrow(/^(?!.*s3cret)/)
  })
})
