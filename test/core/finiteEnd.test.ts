import { describe, expect, it } from 'vitest'
import { createEventStream } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { type Plan, startSseServer } from '../helpers/sseServer'

// How a finite stream (a POST: an LLM answer) ends, on a real node:http server. The server numbers its events
// 1…count (`id:` and data) and resumes after the `Last-Event-ID` a request carries.

const track = closeAfterEach()
const done = (raw: string) => raw === 'end'

/** A server of `count` events that, for request number i, follows `plans[i]` (then serves to the end). */
async function server(count: number, plans: Plan[], frame = (n: number) => `id: ${n}\ndata: ${n}\n\n`) {
  return track(
    await startSseServer({
      count,
      frame: (n) => (n === count ? 'data: end\n\n' : frame(n)),
      respond: (request) => plans[request.index] ?? { kind: 'stream', endWhenDone: true },
    }),
  )
}

async function read(url: string, options: Parameters<typeof createEventStream>[1]) {
  const stream = track(createEventStream(url, { method: 'POST', body: '{}', decode: 'text', ...options }))
  const data: string[] = []
  const errors: string[] = []
  stream.onError((error) => errors.push(error.message))
  let thrown: unknown
  try {
    for await (const event of stream) data.push(event.raw)
  } catch (error) {
    thrown = error
  }
  return { data, errors, thrown, state: stream.state }
}

describe('the end of a finite stream', () => {
  it('completes at a clean end of the body when no doneWhen is given', async () => {
    const sse = await server(6, [{ kind: 'stream', limit: 3, endWhenDone: true }])
    const { data, state, thrown } = await read(sse.url, { retry: { initialDelay: 10 } })
    expect(data).toEqual(['1', '2', '3'])
    expect(state.status).toBe('closed')
    expect(state.error).toBeUndefined()
    expect(thrown).toBeUndefined()
    expect(sse.requests).toHaveLength(1)
  })

  it('with a doneWhen of yours, resumes a body that ended before its event (a close-delimited cut)', async () => {
    const sse = await server(6, [{ kind: 'stream', limit: 3, endWhenDone: true }])
    const { data, state, errors } = await read(sse.url, {
      doneWhen: (event) => done(event.raw),
      retry: { initialDelay: 10 },
    })
    expect(data).toEqual(['1', '2', '3', '4', '5'])
    expect(state.status).toBe('closed')
    expect(state.error).toBeUndefined()
    expect(errors).toEqual([expect.stringContaining('the body ended before the `doneWhen` event')])
    expect(sse.requests.map((request) => [request.method, request.lastEventId])).toEqual([
      ['POST', ''],
      ['POST', '3'],
    ])
  })

  it('with a doneWhen of yours and no event IDs, closes with the network error and keeps what arrived', async () => {
    const sse = await server(6, [{ kind: 'stream', limit: 3, endWhenDone: true }], (n) => `data: ${n}\n\n`)
    const { data, state, thrown } = await read(sse.url, {
      doneWhen: (event) => done(event.raw),
      retry: { initialDelay: 10 },
    })
    expect(data).toEqual(['1', '2', '3'])
    expect(state).toMatchObject({ status: 'closed', error: { code: 'network' } })
    expect(thrown).toMatchObject({ code: 'network' })
    expect(sse.requests).toHaveLength(1) // never sent again from the start
  })

  it('with a doneWhen of yours, completes at its event without delivering it', async () => {
    const sse = await server(4, [])
    const { data, state, thrown } = await read(sse.url, { doneWhen: (event) => done(event.raw) })
    expect(data).toEqual(['1', '2', '3'])
    expect(state.status).toBe('closed')
    expect(state.error).toBeUndefined()
    expect(thrown).toBeUndefined()
    expect(sse.requests).toHaveLength(1)
  })
})
