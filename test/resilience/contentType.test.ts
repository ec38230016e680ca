import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeClientTimers, runClientTimers } from '../helpers/clientTimers'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startRecordedStream } from '../helpers/recordedStream'
import type { Plan } from '../helpers/sseServer'
import { until } from '../helpers/until'

afterEach(() => {
  vi.useRealTimers()
})
// Hooks run last-registered first: streams and server close before the timers are reset.
const track = closeAfterEach()

const setup = (plan: Plan) => startRecordedStream(track, () => plan)

describe('the content type of the response', () => {
  it('fails for good with a content-type error on an HTML page served with 200', async () => {
    fakeClientTimers()
    const page = '<!doctype html><html><body><h1>Sign in</h1></body></html>'
    const { stream, errors, server, fetches } = await setup({
      kind: 'reply',
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: page,
    })
    const iteration = (async () => {
      for await (const _ of stream) {
        // no event arrives
      }
    })()
    await expect(iteration).rejects.toMatchObject({ code: 'content-type' })
    expect(stream.state.status).toBe('closed')
    expect(stream.state.error?.code).toBe('content-type')
    expect(stream.state.error?.message).toMatch(/"text\/html.*" instead of text\/event-stream/)
    expect(errors.map((error) => error.code)).toEqual(['content-type'])
    await runClientTimers()
    expect(fetches()).toBe(1)
    expect(server.requests).toHaveLength(1)
    expect(stream.state.status).toBe('closed')
  })

  it('fails for good with a content-type error on a 200 without a content type', async () => {
    const { stream } = await setup({ kind: 'reply', status: 200, body: 'data: x\n\n' })
    await until(() => stream.state.status === 'closed', 3000, 'closed')
    expect(stream.state.error?.code).toBe('content-type')
  })

  it.each([
    'text/event-stream; charset=utf-8',
    'Text/Event-Stream; charset=utf-8',
    'Text/Event-Stream ; charset=UTF-8',
  ])('accepts the content type %s', async (contentType) => {
    const { events, errors, stream } = await setup({
      kind: 'reply',
      status: 200,
      headers: { 'content-type': contentType },
      body: 'data: fine\n\n',
      keepOpen: true,
    })
    await until(() => events.length === 1, 3000, 'the event')
    expect(events[0]?.raw).toBe('fine')
    expect(errors).toEqual([])
    expect(stream.state.status).toBe('open')
  })
})
