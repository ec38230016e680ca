// The Chromium contenders (bench/browser.mjs bundles this page with esbuild and drives it with Playwright):
// each opens `url` on the page's own origin (the loopback server), counts the events of one whole stream
// and resolves with that count when the body has ended. `window.runBench` runs one contender: warm-up
// runs (fewer when they took 1.5 s), then timed runs, with a GC before each (--js-flags=--expose-gc).

import { createEventSource } from 'eventsource-client'
import { createParser } from 'eventsource-parser'
import { createEventStream } from '../dist/index.js'
import {
  clientLoopReader,
  clientReader,
  floor,
  parserGeneratorReader,
  parserReader,
  timeRuns,
  typedSseLoopReader,
  typedSseReader,
} from './readers.mjs'

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

const RUNS = {
  'typed-sse-text': typedSseReader(createEventStream, 'text'),
  'typed-sse-json': typedSseReader(createEventStream, 'json'),
  'typed-sse-for-await': typedSseLoopReader(createEventStream),
  'native-eventsource': nativeEventSource,
  'eventsource-parser': parserReader(createParser, false),
  'eventsource-client': clientReader(createEventSource, false),
  'eventsource-parser-json': parserReader(createParser, true),
  'eventsource-client-json': clientReader(createEventSource, true),
  'eventsource-parser-generator': parserGeneratorReader(createParser),
  'eventsource-client-for-await': clientLoopReader(createEventSource),
  floor,
}

window.runBench = ({ contender, url, types, events, warmUps, runs, lossy }) => {
  const read = RUNS[contender]
  if (!read) throw new Error(`unknown contender ${contender}`)
  const onDelivered = (run, count) => console.log(`bench:delivered ${run} ${count}`)
  return timeRuns({ name: contender, read, args: { url, types }, events, warmUps, runs, lossy, onDelivered })
}
