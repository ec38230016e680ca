// A mocked connection that breaks must reach `fetch` as a network error, on MSW 2 and MSW 3 alike: with MSW 3 on
// Node, a body that errors ends as cleanly as a finished one unless its response is self-delimiting
// (chunked), and a finite stream (an LLM answer) would then complete with half its text instead of resuming.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { createEventStream } from '../../src/index'
import { eventStreamHandler } from '../../src/testing'
import { until } from '../helpers/until'

const msw = inject('msw')
const skipped = msw.runs === false
const suiteName = skipped
  ? `drops with MSW ${msw.major} (skipped: needs Node >= ${msw.needsNode}, this is ${process.version})`
  : `drops with MSW ${msw.major}`

describe.skipIf(skipped)(suiteName, () => {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())

  it("eventStreamHandler's dropAfter breaks the body that fetch reads", async () => {
    server.use(eventStreamHandler('https://api.test/s', [{ data: '1' }, { data: '2' }], { dropAfter: 1 }))
    const response = await fetch('https://api.test/s')
    await expect(response.text()).rejects.toThrow()
  })

  it('a finite stream resumes after a dropAfter instead of completing with part of the answer', async () => {
    const tokens = ['a', 'b', 'c', 'd'].map((data, i) => ({ data, id: String(i + 1) }))
    server.use(
      eventStreamHandler('https://api.test/answer', [...tokens, { data: '[DONE]' }], {
        method: 'post',
        dropAfter: 2,
      }),
    )
    const stream = createEventStream<{ message: string }>('https://api.test/answer', {
      method: 'POST',
      decode: 'text',
      retry: { initialDelay: 5 },
    })
    let text = ''
    stream.on('message', (data) => {
      text += data
    })
    await until(() => stream.state.status === 'closed')
    expect(text).toBe('abcd')
    expect(stream.state.error).toBeUndefined()
  })
})
