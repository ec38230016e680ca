// One benchmark case in a fresh process (so contenders never share a warmed-up JIT):
//   node --expose-gc bench/case.mjs <contender> <corpus> <chunk bytes | http://127.0.0.1:port> <runs> [repeat]
// Prints JSON lines: first { events, bytes } of the corpus; for a lossy contender { delivered, run } as soon as
// a run knows how many events its loop took (run.mjs may stop a slow one before the run ends); last
// { times: [ms, …], events, bytes, delivered? }. `delivered` (the events a lossy contender's loop saw, per
// timed run) replaces the count check for the contenders marked `lossy`. A contender may ask for fewer runs
// (`warmUps`, `maxRuns`: eventsource-client's slow `for await`).
// `repeat` (in-memory chunks only) sends the corpus that many times in one stream: a long stream, whose code
// V8 optimises once, against the fresh stream per run that the tables time (see docs/benchmarks.md).

import { CONTENDERS, memoryFetch } from './contenders.mjs'
import { buildCorpus, chunk } from './corpora.mjs'
import { timeRuns } from './readers.mjs'

const [contenderName, corpusName, transport, runsArg = '5', repeatArg = '1'] = process.argv.slice(2)
const contender = CONTENDERS[contenderName]
if (!contender)
  throw new Error(`unknown contender ${contenderName}; one of ${Object.keys(CONTENDERS).join(', ')}`)
const runs = Number(runsArg)
const repeat = Number(repeatArg)
const corpus = buildCorpus(corpusName)
const events = corpus.events * repeat
const run = await contender.load()
// Lines to a pipe are written synchronously on Linux: they are out even if the run then blocks.
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`)
print({ events, bytes: corpus.bytes.length * repeat })

let url
let fetch
if (transport.startsWith('http')) {
  url = `${transport}/${corpusName}`
  fetch = globalThis.fetch
} else {
  url = 'http://bench.invalid/stream'
  const chunks = chunk(corpus.bytes, Number(transport))
  fetch = memoryFetch(Array.from({ length: repeat }, () => chunks).flat())
}

const { warmUps = 2, maxRuns = runs } = contender
const { times, delivered } = await timeRuns({
  name: `${contenderName} (${corpusName})`,
  read: run,
  args: { url, fetch, types: corpus.types },
  events,
  warmUps,
  runs: Math.min(runs, maxRuns),
  lossy: contender.lossy,
  onDelivered: (run, delivered) => print({ delivered, run }),
})
const result = { times, events, bytes: corpus.bytes.length * repeat }
if (contender.lossy) result.delivered = delivered
print(result)
