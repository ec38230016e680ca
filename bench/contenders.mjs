// The Node contenders: each opens `url` with `fetch`, counts the events of one whole stream and resolves with
// that count when the body has ended (each is stopped from reconnecting the way its API allows).
// The peers are bench/package.json's pins, resolved from bench/node_modules (`npm run bench` installs them);
// each is imported when its contender first runs, so that a peer that cannot load on one Node fails alone.

import { peerVersion } from './peers.mjs'
import {
  clientLoopReader,
  clientReader,
  counter,
  floor,
  parserGeneratorReader,
  parserReader,
  typedSseLoopReader,
  typedSseReader,
} from './readers.mjs'

// typed-sse from dist/ (TYPED_SSE_DIST=/path/to/index.js measures another build, for A/B comparisons).
const typedSseModule = () => import(process.env.TYPED_SSE_DIST ?? '../dist/index.js')

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

async function typedSse(decode) {
  const { createEventStream } = await typedSseModule()
  return typedSseReader(createEventStream, decode)
}

async function typedSseForAwait() {
  const { createEventStream } = await typedSseModule()
  return typedSseLoopReader(createEventStream)
}

async function eventsourceParser(json) {
  const { createParser } = await import('eventsource-parser')
  return parserReader(createParser, json)
}

async function eventsourceParserGenerator() {
  const { createParser } = await import('eventsource-parser')
  return parserGeneratorReader(createParser)
}

/** `TextDecoderStream` + `EventSourceParserStream`: the package's own streams API. */
async function eventsourceParserStream() {
  const { EventSourceParserStream } = await import('eventsource-parser/stream')
  return async ({ url, fetch }) => {
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
}

/** The `eventsource` package (EventSource polyfill) with its `fetch` option. */
async function eventsource(json) {
  const { EventSource } = await import('eventsource')
  return ({ url, fetch, types }) =>
    new Promise((resolve) => {
      const counted = counter(json)
      const source = new EventSource(url, { fetch })
      const listener = (event) => counted.handle(event.data)
      for (const type of types) source.addEventListener(type, listener)
      // At the end of the body it fires `error` and schedules a reconnect: stop there.
      source.addEventListener('error', () => {
        source.close()
        resolve(counted.count)
      })
    })
}

/** `@microsoft/fetch-event-source`: it reaches for `window` and `document`, so Node needs two shims. */
async function microsoftFetchEventSource(json) {
  const { fetchEventSource } = await import('@microsoft/fetch-event-source')
  return async ({ url, fetch }) => {
    globalThis.window ??= globalThis
    globalThis.document ??= { hidden: false, addEventListener() {}, removeEventListener() {} }
    const counted = counter(json)
    await fetchEventSource(url, {
      fetch,
      openWhenHidden: true,
      onmessage: (event) => counted.handle(event.data),
      onerror: (error) => {
        throw error // no retry
      },
    })
    return counted.count
  }
}

async function eventsourceClient(json) {
  const { createEventSource } = await import('eventsource-client')
  return clientReader(createEventSource, json)
}

async function eventsourceClientForAwait() {
  const { createEventSource } = await import('eventsource-client')
  return clientLoopReader(createEventSource)
}

const parser = `eventsource-parser ${peerVersion('eventsource-parser')}`
const client = `eventsource-client ${peerVersion('eventsource-client')}`
const clientParser = `its eventsource-parser ${peerVersion('eventsource-parser', 'eventsource-client')}`
const polyfill = `eventsource ${peerVersion('eventsource')}`
const microsoft = `@microsoft/fetch-event-source ${peerVersion('@microsoft/fetch-event-source')}`
const JSON_PARSE = ', handler calls JSON.parse'

/**
 * Table order. `kind`: `ours`; `callbacks` (a peer's handler API: the best of these is the denominator of
 * the ratios); `json` (the same peer, its handler calls `JSON.parse(data)`); `generator` (eventsource-parser
 * behind a pull-based async generator: the denominator of typed-sse's `for await`); `other` (a peer's
 * streams or iterator API); `floor`. `packages`: the peers it loads (their `engines` decide "n/a" on an older Node).
 * `lossy`: the count it delivers is recorded, not checked. `warmUps`, `maxRuns`: fewer runs than the others;
 * `timeLimit`: run.mjs stops the case after that many ms.
 */
export const CONTENDERS = {
  'typed-sse-text': { label: "typed-sse (on, decode 'text')", kind: 'ours', load: () => typedSse('text') },
  'typed-sse-json': {
    label: "typed-sse (on, decode 'json': JSON.parse per event)",
    kind: 'ours',
    load: () => typedSse('json'),
  },
  'typed-sse-for-await': {
    label: "typed-sse (for await, decode 'text')",
    kind: 'ours',
    load: typedSseForAwait,
  },
  'eventsource-parser': {
    label: `${parser} (createParser + TextDecoderStream)`,
    kind: 'callbacks',
    packages: ['eventsource-parser'],
    load: () => eventsourceParser(false),
  },
  'eventsource-client': {
    label: `${client} (onMessage; ${clientParser})`,
    kind: 'callbacks',
    packages: ['eventsource-client'],
    load: () => eventsourceClient(false),
  },
  eventsource: {
    label: `${polyfill} (fetch option, addEventListener)`,
    kind: 'callbacks',
    packages: ['eventsource'],
    load: () => eventsource(false),
  },
  'fetch-event-source': {
    label: `${microsoft} (onmessage)`,
    kind: 'callbacks',
    packages: ['@microsoft/fetch-event-source'],
    load: () => microsoftFetchEventSource(false),
  },
  'eventsource-parser-json': {
    label: `${parser} (createParser + TextDecoderStream${JSON_PARSE})`,
    kind: 'json',
    packages: ['eventsource-parser'],
    load: () => eventsourceParser(true),
  },
  'eventsource-client-json': {
    label: `${client} (onMessage${JSON_PARSE})`,
    kind: 'json',
    packages: ['eventsource-client'],
    load: () => eventsourceClient(true),
  },
  'eventsource-json': {
    label: `${polyfill} (addEventListener${JSON_PARSE})`,
    kind: 'json',
    packages: ['eventsource'],
    load: () => eventsource(true),
  },
  'fetch-event-source-json': {
    label: `${microsoft} (onmessage${JSON_PARSE})`,
    kind: 'json',
    packages: ['@microsoft/fetch-event-source'],
    load: () => microsoftFetchEventSource(true),
  },
  'eventsource-parser-stream': {
    label: `${parser} (TextDecoderStream + EventSourceParserStream)`,
    kind: 'other',
    packages: ['eventsource-parser'],
    load: eventsourceParserStream,
  },
  'eventsource-parser-generator': {
    label: `${parser} (createParser behind a pull-based async generator, for await)`,
    kind: 'generator',
    packages: ['eventsource-parser'],
    load: eventsourceParserGenerator,
  },
  'eventsource-client-for-await': {
    label: `${client} (for await, close() on disconnect)`,
    kind: 'other',
    packages: ['eventsource-client'],
    lossy: true,
    // Its loop's end empties its queue with one Array#shift() per queued event, quadratic in the events
    // still queued: up to a minute for the tokens in 64 B chunks. One run per round; run.mjs stops it
    // after `timeLimit` ms (the count it delivered is reported at the disconnect, before that).
    warmUps: 0,
    maxRuns: 1,
    timeLimit: 10_000,
    load: eventsourceClientForAwait,
  },
  floor: { label: 'floor (TextDecoder + count blank lines)', kind: 'floor', load: async () => floor },
}
