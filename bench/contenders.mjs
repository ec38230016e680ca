// The contenders: each opens `url` with `fetch`, counts the events of one whole stream and resolves with
// that count when the body has ended (each is stopped from reconnecting the way its API allows).

import { fetchEventSource } from '@microsoft/fetch-event-source'
import { EventSource } from 'eventsource'
import { createEventSource } from 'eventsource-client'
import { createParser } from 'eventsource-parser'
import { EventSourceParserStream } from 'eventsource-parser/stream'

// typed-sse from dist/ (TYPED_SSE_DIST=/path/to/index.js measures another build, for A/B comparisons).
const { createEventStream } = await import(process.env.TYPED_SSE_DIST ?? '../dist/index.js')

/**
 * An in-memory `fetch` whose body streams `chunks` as fast as they are read: each pull tops the queue up
 * to 64 chunks (a short queue: Node's stream queue shifts an array, which gets slow when it is huge).
 */
export function memoryFetch(chunks) {
  return async () => {
    let next = 0
    const body = new ReadableStream(
      {
        pull(controller) {
          while (controller.desiredSize > 0 && next < chunks.length) controller.enqueue(chunks[next++])
          if (next === chunks.length) controller.close()
        },
      },
      { highWaterMark: 64 },
    )
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  }
}

function typedSse(decode) {
  return ({ url, fetch, types }) =>
    new Promise((resolve, reject) => {
      let count = 0
      const stream = createEventStream(url, { fetch, decode, retry: false })
      for (const type of types) stream.on(type, () => count++)
      stream.onError((error) => reject(error))
      stream.subscribeState(() => {
        const { status, error } = stream.state
        if (status === 'closed') error ? reject(error) : resolve(count)
      })
    })
}

/** `createParser` fed from `body.pipeThrough(new TextDecoderStream())`: the baseline of the ratios. */
async function eventsourceParser({ url, fetch }) {
  let count = 0
  const parser = createParser({ onEvent: () => count++ })
  const response = await fetch(url, { headers: { accept: 'text/event-stream' } })
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parser.feed(value)
  }
  return count
}

/** `TextDecoderStream` + `EventSourceParserStream`: the package's own streams API. */
async function eventsourceParserStream({ url, fetch }) {
  let count = 0
  const response = await fetch(url, { headers: { accept: 'text/event-stream' } })
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader()
  for (;;) {
    const { done } = await reader.read()
    if (done) break
    count++
  }
  return count
}

/** The `eventsource` package (EventSource polyfill) with its `fetch` option. */
function eventsource({ url, fetch, types }) {
  return new Promise((resolve) => {
    let count = 0
    const source = new EventSource(url, { fetch })
    const listener = () => count++
    for (const type of types) source.addEventListener(type, listener)
    // At the end of the body it fires `error` and schedules a reconnect: stop there.
    source.addEventListener('error', () => {
      source.close()
      resolve(count)
    })
  })
}

/** `@microsoft/fetch-event-source`: it reaches for `window` and `document`, so Node needs two shims. */
async function microsoftFetchEventSource({ url, fetch }) {
  globalThis.window ??= globalThis
  globalThis.document ??= { hidden: false, addEventListener() {}, removeEventListener() {} }
  let count = 0
  await fetchEventSource(url, {
    fetch,
    openWhenHidden: true,
    onmessage: () => count++,
    onerror: (error) => {
      throw error // no retry
    },
  })
  return count
}

/** `eventsource-client`: stop at the first disconnect (the end of the body). */
function eventsourceClient({ url, fetch }) {
  return new Promise((resolve) => {
    let count = 0
    const client = createEventSource({
      url,
      fetch,
      onMessage: () => count++,
      onDisconnect: () => {
        client.close()
        resolve(count)
      },
    })
  })
}

/** The floor: read, decode with one `TextDecoder`, count blank lines (the corpora use LF only). */
async function floor({ url, fetch }) {
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

/** Table order. `baseline` is the denominator of the ratios. */
export const CONTENDERS = {
  'typed-sse-text': { label: "typed-sse (decode 'text')", run: typedSse('text') },
  'typed-sse-json': { label: "typed-sse (decode 'json', parses every event)", run: typedSse('json') },
  'eventsource-parser': {
    label: 'eventsource-parser 3.1.1 (createParser + TextDecoderStream)',
    run: eventsourceParser,
    baseline: true,
  },
  'eventsource-parser-stream': {
    label: 'eventsource-parser 3.1.1 (TextDecoderStream + EventSourceParserStream)',
    run: eventsourceParserStream,
  },
  eventsource: { label: 'eventsource 4.1.1 (fetch option)', run: eventsource },
  'fetch-event-source': { label: '@microsoft/fetch-event-source 2.0.1', run: microsoftFetchEventSource },
  'eventsource-client': { label: 'eventsource-client 1.2.0', run: eventsourceClient },
  floor: { label: 'floor (TextDecoder + count blank lines)', run: floor },
}
