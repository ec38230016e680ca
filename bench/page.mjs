// The Chromium contenders (bench/browser.mjs bundles this page with esbuild and drives it with Playwright):
// each opens `url` on the page's own origin (the loopback server), counts the events of one whole stream
// and resolves with that count when the body has ended. `window.runBench` runs one contender: warm-up
// runs (fewer when they took 1.5 s), then timed runs, with a GC before each (--js-flags=--expose-gc).

import { createEventSource } from 'eventsource-client'
import { createParser } from 'eventsource-parser'
import { createEventStream } from '../dist/index.js'

/** A per-event handler: counts, or counts and runs `JSON.parse` on the data (the peers' `json` variants). */
const counter = (json) => {
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

const typedSse =
  (decode) =>
  ({ url, types }) =>
    new Promise((resolve, reject) => {
      let count = 0
      const stream = createEventStream(url, { decode, retry: false })
      for (const type of types) stream.on(type, () => count++)
      stream.onError((error) => reject(error))
      stream.subscribeState(() => {
        const { status, error } = stream.state
        if (status === 'closed') error ? reject(error) : resolve(count)
      })
    })

async function typedSseForAwait({ url }) {
  let count = 0
  for await (const _event of createEventStream(url, { decode: 'text', retry: false })) count++
  return count
}

/** The browser's own EventSource: at the end of the body it fires `error` and would reconnect: close. */
const nativeEventSource = ({ url, types }) =>
  new Promise((resolve) => {
    let count = 0
    const source = new EventSource(url)
    const listener = () => count++
    for (const type of types) source.addEventListener(type, listener)
    source.addEventListener('error', () => {
      source.close()
      resolve(count)
    })
  })

const eventsourceParser =
  (json) =>
  async ({ url }) => {
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

const eventsourceClient =
  (json) =>
  ({ url }) =>
    new Promise((resolve) => {
      const counted = counter(json)
      const client = createEventSource({
        url,
        onMessage: (event) => counted.handle(event.data),
        onDisconnect: () => {
          client.close()
          resolve(counted.count)
        },
      })
    })

/**
 * eventsource-client's `for await`, closed at the first disconnect: it drops what its queue still holds, and
 * its loop's end can take seconds (the driver may close the page first: the count goes out on the console).
 */
async function eventsourceClientForAwait({ url, onDelivered }) {
  let count = 0
  const client = createEventSource({
    url,
    onDisconnect: () => {
      onDelivered?.(count) // final: after close() the loop takes no more
      client.close()
    },
  })
  for await (const _event of client) count++
  return count
}

/** The floor: read, decode with one `TextDecoder`, count blank lines (the corpora use LF only). */
async function floor({ url }) {
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

const RUNS = {
  'typed-sse-text': typedSse('text'),
  'typed-sse-json': typedSse('json'),
  'typed-sse-for-await': typedSseForAwait,
  'native-eventsource': nativeEventSource,
  'eventsource-parser': eventsourceParser(false),
  'eventsource-client': eventsourceClient(false),
  'eventsource-parser-json': eventsourceParser(true),
  'eventsource-client-json': eventsourceClient(true),
  'eventsource-client-for-await': eventsourceClientForAwait,
  floor,
}

/** Fewer warm-up runs when they already took this long (as in bench/case.mjs). */
const WARM_UP_MS = 1500

window.runBench = async ({ contender, url, types, events, warmUps, runs, lossy }) => {
  const run = RUNS[contender]
  if (!run) throw new Error(`unknown contender ${contender}`)
  const times = []
  const delivered = []
  let warmedUp = 0
  for (let i = -warmUps; i < runs; i++) {
    const onDelivered = lossy ? (count) => console.log(`bench:delivered ${i} ${count}`) : undefined
    globalThis.gc?.()
    const start = performance.now()
    const count = await run({ url, types, onDelivered })
    const elapsed = performance.now() - start
    if (count !== events && !lossy)
      throw new Error(`${contender} counted ${count} events, expected ${events}`)
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
