import { describe, expect, it } from 'vitest'
import { createEventStream, type StreamState } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { until } from '../helpers/until'

const track = closeAfterEach()

/** A `fetch` whose body is `chunks`, each one read as a whole. */
function chunkedFetch(chunks: string[]): typeof fetch {
  return async () => {
    const encoder = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
        controller.close()
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  }
}

const numbered = (from: number, to: number) => {
  let text = ''
  for (let n = from; n <= to; n++) text += `id: ${n}\ndata: ${n}\n\n`
  return text
}

describe('dispatching a chunk of events', () => {
  it('tells state listeners about new event IDs once per chunk, while `state` is current in every handler', async () => {
    const stream = track(
      createEventStream('http://test.invalid/feed', {
        fetch: chunkedFetch([numbered(1, 100), numbered(101, 200)]),
        retry: false,
        decode: 'text',
      }),
    )
    const seenInHandlers: string[] = []
    stream.onAny((event) => {
      seenInHandlers.push(`${event.id}=${stream.state.lastEventId}`)
    })
    const notified: StreamState[] = []
    stream.onState((state) => notified.push(state))
    await until(() => stream.state.status === 'closed')

    expect(seenInHandlers).toHaveLength(200)
    expect(seenInHandlers.every((entry) => entry.split('=')[0] === entry.split('=')[1])).toBe(true)
    // open, the IDs of chunk 1, the IDs of chunk 2, closed: not one notification per event.
    expect(notified.map((state) => `${state.status}:${state.lastEventId}`)).toEqual([
      'open:',
      'open:100',
      'open:200',
      'closed:200',
    ])
  })

  it('delivers one-line events, multi-line events, named events and IDs alike on both parser paths', async () => {
    const text = 'data: a\n\nevent: x\ndata: b\ndata: c\n\nid: 7\ndata: d\n\n: comment\ndata: e\n\n'
    for (const chunks of [[text], [text.replaceAll('\n', '\r\n')], text.split('')]) {
      const stream = track(
        createEventStream('http://test.invalid/feed', {
          fetch: chunkedFetch(chunks),
          retry: false,
          decode: 'text',
        }),
      )
      const events: string[] = []
      stream.onAny((event) => events.push(`${event.type}|${event.data}|${event.id}`))
      await until(() => stream.state.status === 'closed')
      expect(events).toEqual(['message|a|', 'x|b\nc|', 'message|d|7', 'message|e|7'])
    }
  })

  it('routes each event to the handlers of its type, with many types of equal length', async () => {
    const types = Array.from({ length: 12 }, (_, n) => `type-${String.fromCharCode(97 + n)}`)
    let text = ''
    for (let round = 0; round < 3; round++)
      for (const type of types) text += `event: ${type}\ndata: ${type}/${round}\n\n`
    for (const chunks of [[text], text.split('')]) {
      const stream = track(
        createEventStream<Record<string, string>>('http://test.invalid/feed', {
          fetch: chunkedFetch(chunks),
          retry: false,
          decode: 'text',
        }),
      )
      const seen: string[] = []
      for (const type of types) stream.on(type, (data, event) => seen.push(`${type}:${event.type}:${data}`))
      await until(() => stream.state.status === 'closed')
      expect(seen).toHaveLength(36)
      expect(seen.every((entry) => entry.split(':')[0] === entry.split(':')[1])).toBe(true)
      expect(seen.every((entry) => entry.split(':')[2]?.startsWith(`${entry.split(':')[0]}/`))).toBe(true)
    }
  })

  describe('with several types (compared in turn up to 4, looked up in a Map beyond)', () => {
    const types = ['created', 'updated', 'deleted', 'message', 'started', 'stopped']
    const round = [...types, 'ignored'].map((type) => `event: ${type}\ndata: ${type}\n\n`).join('')
    const open = (text: string) =>
      track(
        createEventStream<Record<string, string>>('http://test.invalid/feed', {
          fetch: chunkedFetch([text]),
          retry: false,
          decode: 'text',
        }),
      )

    it('calls the handlers of each type, and only those, whatever the number of types', async () => {
      for (let count = 1; count <= types.length; count++) {
        const stream = open(round + round)
        const seen: string[] = []
        for (const type of types.slice(0, count)) stream.on(type, (data) => seen.push(`${type}=${data}`))
        await until(() => stream.state.status === 'closed')
        const once = types.slice(0, count).map((type) => `${type}=${type}`)
        expect(seen).toEqual([...once, ...once])
      }
    })

    it('follows the handlers as their types grow past 4 and shrink back, the first type removed', async () => {
      const stream = open(round + round + round)
      const seen: string[] = []
      const listen = (type: string) => stream.on(type, (data) => seen.push(`${type}=${data}`))
      const [created, updated, deleted, ...later] = types as [string, string, string, ...string[]]
      const stopCreated = stream.on(created, (data) => {
        seen.push(`${created}=${data}`)
        if (seen.length === 1) for (const type of later) listen(type)
      })
      const stopUpdated = listen(updated)
      listen(deleted)
      stream.on('stopped', () => {
        stopCreated()
        stopUpdated()
      })
      await until(() => stream.state.status === 'closed')
      const after = [deleted, ...later].map((type) => `${type}=${type}`)
      expect(seen).toEqual([...types.map((type) => `${type}=${type}`), ...after, ...after])
    })
  })

  it('does not call a handler removed by an earlier handler of the same event; one added is called from the next event', async () => {
    const stream = track(
      createEventStream('http://test.invalid/feed', {
        fetch: chunkedFetch([numbered(1, 3)]),
        retry: false,
        decode: 'text',
      }),
    )
    const calls: string[] = []
    const late = (data: unknown) => calls.push(`late ${data}`)
    let removeSecond = () => {}
    stream.on('message', (data) => {
      calls.push(`first ${data}`)
      if (data === '1') {
        removeSecond()
        stream.on('message', late)
        stream.on('message', late) // twice: still one handler
      }
    })
    removeSecond = stream.on('message', (data) => calls.push(`second ${data}`))
    const removeAny = stream.onAny((event) => {
      calls.push(`any ${event.data}`)
      removeAny()
    })
    await until(() => stream.state.status === 'closed')
    expect(calls).toEqual(['first 1', 'any 1', 'first 2', 'late 2', 'first 3', 'late 3'])
  })
})
