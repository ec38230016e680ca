// How each contender that runs in Node and in the Chromium page reads one whole stream, and how a case is
// timed: one copy for bench/contenders.mjs (Node) and bench/page.mjs (bundled for Chromium). Each reader
// takes `{ url, fetch, types, onDelivered }`, counts the events and resolves with that count when the body
// has ended; `fetch` may be absent (the page reads its own origin with the global one).

/** A per-event handler: counts, or counts and runs `JSON.parse` on the data (the peers' `json` variants). */
export function counter(json) {
  const counted = { count: 0 }
  counted.handle = json
    ? (data) => {
        JSON.parse(data)
        counted.count++
      }
    : () => {
        counted.count++
      }
  return counted
}

/** typed-sse with one `on` handler per event type. */
export const typedSseReader =
  (createEventStream, decode) =>
  ({ url, fetch, types }) =>
    new Promise((resolve, reject) => {
      let count = 0
      const stream = createEventStream(url, { fetch, decode, retry: false })
      for (const type of types) stream.on(type, () => count++)
      stream.onError((error) => reject(error))
      stream.onState(({ status, error }) => {
        if (status === 'closed') error ? reject(error) : resolve(count)
      })
    })

/** typed-sse's `for await`: with `retry: false` the loop ends when the body has ended. */
export const typedSseLoopReader =
  (createEventStream) =>
  async ({ url, fetch }) => {
    let count = 0
    for await (const _event of createEventStream(url, { fetch, decode: 'text', retry: false })) count++
    return count
  }

/** eventsource-parser's `createParser` fed from `body.pipeThrough(new TextDecoderStream())`. */
export const parserReader =
  (createParser, json) =>
  async ({ url, fetch = globalThis.fetch }) => {
    const counted = counter(json)
    const parser = createParser({ onEvent: (event) => counted.handle(event.data) })
    const response = await fetch(url, { headers: { accept: 'text/event-stream' } })
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.feed(value)
    }
    return counted.count
  }

/**
 * eventsource-parser behind a pull-based async generator, the `for await` yardstick: per stream a parser
 * whose `onEvent` queues, and a loop that yields the previous chunk's events before it reads the next chunk.
 */
export const parserGeneratorReader =
  (createParser) =>
  async ({ url, fetch = globalThis.fetch }) => {
    const queue = []
    const parser = createParser({ onEvent: (event) => queue.push(event) })
    async function* events(reader, decoder = new TextDecoder()) {
      for (;;) {
        const { done, value } = await reader.read()
        parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }))
        for (let i = 0; i < queue.length; i++) yield queue[i]
        queue.length = 0
        if (done) return
      }
    }
    const response = await fetch(url, { headers: { accept: 'text/event-stream' } })
    let count = 0
    for await (const _event of events(response.body.getReader())) count++
    return count
  }

/** eventsource-client with `onMessage`: stop at the first disconnect (the end of the body). */
export const clientReader =
  (createEventSource, json) =>
  ({ url, fetch }) =>
    new Promise((resolve) => {
      const counted = counter(json)
      const client = createEventSource({
        url,
        fetch,
        onMessage: (event) => counted.handle(event.data),
        onDisconnect: () => {
          client.close()
          resolve(counted.count)
        },
      })
    })

/**
 * eventsource-client's own `for await`, closed at the first disconnect as a user would (or it reconnects
 * after 2 s and the loop never ends). `close()` drops the events still waiting in its iterator's queue, so
 * the loop sees fewer than the stream sent: the count goes to `onDelivered` at the disconnect (its loop's
 * end can take seconds: the driver may stop it first), and is reported, not checked.
 */
export const clientLoopReader =
  (createEventSource) =>
  async ({ url, fetch, onDelivered }) => {
    let count = 0
    const client = createEventSource({
      url,
      fetch,
      onDisconnect: () => {
        onDelivered?.(count) // final: after close() the loop takes no more
        client.close()
      },
    })
    for await (const _event of client) count++
    return count
  }

/** The floor: read, decode with one `TextDecoder`, count blank lines (the corpora use LF only). */
export async function floor({ url, fetch = globalThis.fetch }) {
  const response = await fetch(url, { headers: { accept: 'text/event-stream' } })
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let count = 0
  let endedWithLF = false
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    const text = decoder.decode(value, { stream: true })
    if (text.length === 0) continue
    if (endedWithLF && text.charCodeAt(0) === 10) count++
    let index = text.indexOf('\n\n')
    while (index !== -1) {
      count++
      index = text.indexOf('\n\n', index + 2)
    }
    endedWithLF = text.charCodeAt(text.length - 1) === 10
  }
  return count
}

/**
 * Untimed runs first (V8 is still optimising the code during the first two), fewer when they already took
 * this long (the large corpus in 64 B chunks: over a million chunks per run).
 */
const WARM_UP_MS = 1500

/**
 * Times one case: `warmUps` untimed runs of `read(args)`, then `runs` timed ones, a GC before each (when the
 * runtime exposes it). Every count must be `events`, unless the contender is `lossy`: then `onDelivered(run,
 * count)` hears each run's count. Resolves with the timed runs' `{ times, delivered }`.
 */
export async function timeRuns({ name, read, args, events, warmUps, runs, lossy, onDelivered }) {
  const times = []
  const delivered = []
  let warmedUp = 0
  for (let i = -warmUps; i < runs; i++) {
    const run = i
    globalThis.gc?.()
    const start = performance.now()
    const count = await read({ ...args, onDelivered: lossy ? (count) => onDelivered(run, count) : undefined })
    const elapsed = performance.now() - start
    if (count !== events && !lossy) throw new Error(`${name} counted ${count} events, expected ${events}`)
    if (i >= 0) {
      times.push(elapsed)
      delivered.push(count)
    } else {
      warmedUp += elapsed
      if (warmedUp >= WARM_UP_MS) i = -1 // the timed runs next
    }
  }
  return { times, delivered }
}
