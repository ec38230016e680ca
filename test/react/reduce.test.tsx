// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from '@testing-library/react'
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it } from 'vitest'
import type { AnyStreamEvent } from '../../src/index'
import { type UseEventStreamOptions, type UseEventStreamResult, useEventStream } from '../../src/react'
import { createMockStream, encodeEvent, type MockStream } from '../../src/testing'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { flushMicrotasks, sleep } from '../helpers/until'
import { countFrames } from './harness'

// Hooks run last-registered first: cleanup() unmounts (closing the hooks' streams), then the mocks end.
const track = closeAfterEach()
afterEach(() => cleanup())

/** One chunk of an OpenAI-compatible streamed answer. */
type Chunk = { choices: { delta: { content?: string } }[] }
type Answer = { message: Chunk }

const appendContent = (text: string, event: AnyStreamEvent<Answer>) =>
  text + (event.data.choices[0]?.delta.content ?? '')

/** The wire text of one answer chunk carrying `content`. */
const chunk = (content: string) => encodeEvent<Answer>({ data: { choices: [{ delta: { content } }] } })

const DONE = 'data: [DONE]\n\n'

/**
 * Renders `useEventStream<Answer, string>` as a POST answer folded into a string; every render's result is
 * recorded. `props` go to the hook as they are rerendered (a new `url`, `enabled`, another `reduce`).
 */
function renderAnswer(
  mock: MockStream<Answer>,
  initialProps: {
    url?: string
    enabled?: boolean
    reduce?: (text: string, event: AnyStreamEvent<Answer>) => string
    options?: UseEventStreamOptions<Answer, string>
  } = {},
) {
  const results: UseEventStreamResult<Answer, string>[] = []
  const view = renderHook(
    ({ url = 'http://sse.test/answer', enabled = true, reduce = appendContent, options }) => {
      const result = useEventStream<Answer, string>(url, {
        method: 'POST',
        body: '{"question":"?"}',
        fetch: mock.fetch,
        enabled,
        reduce,
        initial: '',
        ...options,
      })
      results.push(result)
      return result
    },
    { initialProps },
  )
  return { ...view, results, current: () => view.result.current }
}

/** An answer as a component would render it. */
function AnswerView({ fetch }: { fetch: typeof globalThis.fetch }) {
  const { value } = useEventStream<Answer, string>('/answer', {
    method: 'POST',
    fetch,
    reduce: appendContent,
    initial: 'thinking…',
  })
  return <p>{value}</p>
}

describe('useEventStream with reduce', () => {
  it('folds a 3,000-token answer into `value`, rendering a few dozen times, not once per token', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock)
    await act(() => mock.waitForConnection())
    await waitFor(() => expect(view.current().status).toBe('open'))
    const rendersBefore = view.results.length
    const frames = countFrames()
    const started = performance.now()
    // A model streams in bursts: several tokens per network chunk, a chunk every few ms (real time is
    // the point: renders follow animation frames).
    const tokens = Array.from({ length: 3_000 }, (_, n) => (n % 7 === 0 ? ` wörd${n}` : `·${n}`))
    for (let n = 0; n < tokens.length; ) {
      const burst = 10 + (n % 40)
      mock.write(
        tokens
          .slice(n, n + burst)
          .map(chunk)
          .join(''),
      )
      n += burst
      await sleep(4)
    }
    mock.write(DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    const elapsed = performance.now() - started
    const frameCount = frames.stop()
    const renders = view.results.length - rendersBefore
    if (process.env.REPORT_RENDERS)
      console.log({ tokens: tokens.length, elapsed, frames: frameCount, renders })
    expect(view.current().value).toBe(tokens.join(''))
    expect(view.current().error).toBeUndefined()
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]?.method).toBe('POST')
    // Once per frame at most (plus the status change to `closed`), and far from once per token.
    expect(renders).toBeLessThanOrEqual(frameCount + Math.ceil(elapsed / 100) + 2)
    expect(renders).toBeLessThan(100)
  })

  it('calls reduce for every event, in order, also for hundreds that arrive within one frame', async () => {
    type Mixed = { tick: { n: number }; note: string }
    const mock = track(createMockStream<Mixed>())
    const results: UseEventStreamResult<Mixed, string[]>[] = []
    const view = renderHook(() => {
      const result = useEventStream<Mixed, string[]>('http://sse.test/mixed', {
        fetch: mock.fetch,
        reduce: (list, event) => [...list, event.type === 'tick' ? String(event.data.n) : event.data],
        initial: [],
      })
      results.push(result)
      return result
    })
    await act(() => mock.waitForConnection())
    await waitFor(() => expect(view.result.current.status).toBe('open'))
    const rendersBefore = results.length
    const expected: string[] = []
    let wire = ''
    for (let n = 0; n < 500; n++) {
      if (n % 50 === 0) {
        wire += encodeEvent<Mixed>({ event: 'note', data: JSON.stringify(`note ${n}`) })
        expected.push(`note ${n}`)
      }
      wire += encodeEvent<Mixed>({ event: 'tick', data: { n }, id: String(n) })
      expected.push(String(n))
    }
    mock.write(wire) // one chunk: every event is dispatched before the next frame
    await waitFor(() => expect(view.result.current.lastEventId).toBe('499'))
    expect(view.result.current.value).toEqual(expected)
    // The 510 events rendered together (a second render at most, if a frame fell in between).
    expect(results.length - rendersBefore).toBeLessThanOrEqual(2)
    expect(results.every((result) => result.value.length === 0 || result.value.length === 510)).toBe(true)
  })

  it('renders `initial` on the server and before the first event, without reduce too', async () => {
    const server = track(createMockStream<Answer>())
    expect(renderToString(<AnswerView fetch={server.fetch} />)).toBe('<p>thinking…</p>')
    expect(server.requests).toHaveLength(0)
    const mock = track(createMockStream())
    const view = renderHook(() => useEventStream('http://sse.test/plain', { fetch: mock.fetch, initial: 7 }))
    expect(view.result.current.value).toBe(7)
    await act(() => mock.waitForConnection())
    mock.send({ data: '"x"' })
    await waitFor(() => expect(view.result.current.lastEvent?.data).toBe('x'))
    expect(view.result.current.value).toBe(7)
    const bare = renderHook(() => useEventStream(null))
    expect(bare.result.current.value).toBeUndefined()
  })

  it('goes back to `initial` on a new url', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock, { url: 'http://sse.test/first' })
    await act(() => mock.waitForConnection())
    mock.write(chunk('first answer'))
    await waitFor(() => expect(view.current().value).toBe('first answer'))
    view.rerender({ url: 'http://sse.test/second' })
    expect(view.current().value).toBe('')
    await act(() => mock.waitForConnection(2))
    mock.write(chunk('second') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('second')
    expect(mock.requests.map((request) => request.url)).toEqual([
      'http://sse.test/first',
      'http://sse.test/second',
    ])
  })

  it('goes back to `initial` when enabled again', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock)
    await act(() => mock.waitForConnection())
    mock.write(chunk('Hel') + chunk('lo'))
    await waitFor(() => expect(view.current().value).toBe('Hello'))
    view.rerender({ enabled: false })
    expect(view.current()).toMatchObject({ status: 'closed', value: '' })
    await act(() => flushMicrotasks()) // the shared connection closes a microtask after its last consumer
    expect(mock.connected).toBe(false)
    view.rerender({ enabled: true })
    await act(() => mock.waitForConnection(2))
    mock.write(chunk('Hi') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('Hi')
  })

  it('starts again from `initial` when reconnect() sends a finished answer again, without repeating it', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock, { options: { history: 10 } })
    await act(() => mock.waitForConnection())
    mock.write(chunk('Hel') + chunk('lo') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current()).toMatchObject({ value: 'Hello', error: undefined })
    act(() => view.current().reconnect())
    expect(view.current().value).toBe('')
    await act(() => mock.waitForConnection(2))
    expect(view.current()).toMatchObject({ lastEvent: undefined, events: [] })
    mock.write(chunk('Hel') + chunk('lo') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('Hello')
    expect(mock.requests).toHaveLength(2)
    expect(mock.requests[1]?.method).toBe('POST')
  })

  it('starts again from `initial` when reconnect() interrupts an answer', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock)
    await act(() => mock.waitForConnection())
    mock.write(chunk('Hel'))
    await waitFor(() => expect(view.current().value).toBe('Hel'))
    act(() => view.current().reconnect())
    await act(() => mock.waitForConnection(2))
    // Anything the old response still had never reaches `value`.
    mock.write(chunk('Hel') + chunk('lo') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('Hello')
    expect(view.results.some((result) => result.value.startsWith('HelHel'))).toBe(false)
  })

  it('after close(), reconnect() starts `value` again when there is no event ID to resume from', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock)
    await act(() => mock.waitForConnection())
    mock.write(chunk('Hel'))
    await waitFor(() => expect(view.current().value).toBe('Hel'))
    act(() => view.current().close())
    expect(view.current()).toMatchObject({ status: 'closed', value: 'Hel' })
    await act(() => flushMicrotasks()) // the shared connection closes a microtask after its last consumer
    act(() => view.current().reconnect())
    await act(() => mock.waitForConnection(2))
    expect(mock.requests[1]?.headers.get('last-event-id')).toBeNull()
    mock.write(chunk('Hel') + chunk('lo') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('Hello')
  })

  it('keeps `value` when close() and reconnect() in one go find the answer still under way', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock)
    await act(() => mock.waitForConnection())
    mock.write(chunk('Hel'))
    await waitFor(() => expect(view.current().value).toBe('Hel'))
    act(() => {
      view.current().close()
      view.current().reconnect() // the shared connection is still there: the answer goes on
    })
    expect(view.current().value).toBe('Hel')
    mock.write(chunk('lo') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('Hello')
    expect(mock.requests).toHaveLength(1)
  })

  it('after close(), reconnect() keeps `value` when the answer resumes from its last event ID', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock)
    await act(() => mock.waitForConnection())
    mock.send({ data: { choices: [{ delta: { content: 'Hel' } }] }, id: '1' })
    await waitFor(() => expect(view.current().value).toBe('Hel'))
    act(() => view.current().close())
    await act(() => flushMicrotasks())
    act(() => view.current().reconnect())
    await act(() => mock.waitForConnection(2))
    expect(mock.requests[1]?.headers.get('last-event-id')).toBe('1')
    mock.send({ data: { choices: [{ delta: { content: 'lo' } }] }, id: '2' })
    mock.write(DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('Hello')
  })

  it('calls the latest inline reduce without reconnecting', async () => {
    const mock = track(createMockStream<Answer>())
    const view = renderAnswer(mock, { reduce: (text, event) => appendContent(text, event).toLowerCase() })
    await act(() => mock.waitForConnection())
    mock.write(chunk('Hel'))
    await waitFor(() => expect(view.current().value).toBe('hel'))
    // A new inline function on every render, as a component would write it.
    for (let n = 0; n < 3; n++)
      view.rerender({ reduce: (text, event) => appendContent(text, event).toUpperCase() })
    mock.write(chunk('lo') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('HELLO')
    expect(mock.requests).toHaveLength(1)
  })

  it('reports a throwing reduce as a handler error, skips that event and goes on', async () => {
    const mock = track(createMockStream<Answer>())
    const errors: unknown[] = []
    const seen: string[] = []
    const view = renderAnswer(mock, {
      reduce: (text, event) => {
        const next = appendContent(text, event)
        if (next.endsWith('!')) throw new Error('no shouting')
        return next
      },
      options: {
        onError: (error) => void errors.push(error.code),
        on: { message: (data) => void seen.push(data.choices[0]?.delta.content ?? '') },
      },
    })
    await act(() => mock.waitForConnection())
    mock.write(chunk('Hel') + chunk('!') + chunk('lo') + DONE)
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().value).toBe('Hello')
    expect(seen).toEqual(['Hel', '!', 'lo'])
    expect(errors).toEqual(['handler'])
  })
})
