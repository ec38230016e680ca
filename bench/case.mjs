// One benchmark case in a fresh process (so contenders never share a warmed-up JIT):
//   node --expose-gc bench/case.mjs <contender> <corpus> <chunk bytes | http://127.0.0.1:port> <runs>
// Prints JSON lines: first { events, bytes } of the corpus; for a lossy contender { delivered, run } as soon as
// a run knows how many events its loop took (run.mjs may stop a slow one before the run ends); last
// { times: [ms, …], events, bytes, delivered? }. `delivered` (the events a lossy contender's loop saw, per
// timed run) replaces the count check for the contenders marked `lossy`. A contender may ask for fewer runs
// (`warmUps`, `maxRuns`: eventsource-client's slow `for await`).

import { CONTENDERS, memoryFetch } from './contenders.mjs'
import { buildCorpus, chunk } from './corpora.mjs'

const [contenderName, corpusName, transport, runsArg = '5'] = process.argv.slice(2)
const contender = CONTENDERS[contenderName]
if (!contender)
  throw new Error(`unknown contender ${contenderName}; one of ${Object.keys(CONTENDERS).join(', ')}`)
const runs = Number(runsArg)
const corpus = buildCorpus(corpusName)
const run = await contender.load()
// Lines to a pipe are written synchronously on Linux: they are out even if the run then blocks.
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`)
print({ events: corpus.events, bytes: corpus.bytes.length })

let url
let fetch
if (transport.startsWith('http')) {
  url = `${transport}/${corpusName}`
  fetch = globalThis.fetch
} else {
  url = 'http://bench.invalid/stream'
  fetch = memoryFetch(chunk(corpus.bytes, Number(transport)))
}

/**
 * Untimed runs first: V8 is still optimising typed-sse's code during the first two. Fewer when they already
 * took `WARM_UP_MS` (the large corpus in 64 B chunks: over a million chunks per run).
 */
const WARM_UP_MS = 1500
const { warmUps = 2, maxRuns = runs } = contender
const times = []
const delivered = []
let warmedUp = 0
for (let i = -warmUps; i < Math.min(runs, maxRuns); i++) {
  const onDelivered = contender.lossy ? (delivered) => print({ delivered, run: i }) : undefined
  globalThis.gc?.()
  const start = performance.now()
  const events = await run({ url, fetch, types: corpus.types, onDelivered })
  const elapsed = performance.now() - start
  if (events !== corpus.events && !contender.lossy) {
    throw new Error(`${contenderName} counted ${events} events of ${corpusName}, expected ${corpus.events}`)
  }
  if (i >= 0) {
    times.push(elapsed)
    delivered.push(events)
  } else {
    warmedUp += elapsed
    if (warmedUp >= WARM_UP_MS) i = -1 // the timed runs next
  }
}
const result = { times, events: corpus.events, bytes: corpus.bytes.length }
if (contender.lossy) result.delivered = delivered
print(result)
