// Parser alone (no streams, no fetch): typed-sse's src/core/wire/parse.ts (bundled on the fly with esbuild,
// it is not a public export) against eventsource-parser's createParser, on pre-decoded chunks.
//   node bench/parser.mjs [corpus] [chunk bytes] [rounds]
// PARSE_TS=/path/to/parse.ts measures another version of the parser beside it (A/B comparisons).

import { build } from 'esbuild'
import { createParser as eventsourceParser } from 'eventsource-parser'
import { buildCorpus, chunk } from './corpora.mjs'

const [corpusName = 'small', size = '16384', rounds = '7'] = process.argv.slice(2)
/** Bundles a parse.ts with esbuild and imports it. */
async function importParser(path) {
  const bundled = await build({
    entryPoints: [path],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
  })
  return import(`data:text/javascript,${encodeURIComponent(bundled.outputFiles[0].text)}`)
}
const ours = await importParser(new URL('../src/core/wire/parse.ts', import.meta.url).pathname)
const other = process.env.PARSE_TS && (await importParser(process.env.PARSE_TS))
const corpus = buildCorpus(corpusName)
const decoder = new TextDecoder()
const texts = chunk(corpus.bytes, Number(size)).map((bytes) => decoder.decode(bytes, { stream: true }))

const contenders = {
  'typed-sse parse.ts': (onEvent) => ours.createParser({ onEvent }),
  'eventsource-parser': (onEvent) => eventsourceParser({ onEvent }),
  ...(other && { [process.env.PARSE_TS]: (onEvent) => other.createParser({ onEvent }) }),
}
const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]))
for (let round = 0; round < Number(rounds); round++) {
  for (const [name, create] of Object.entries(contenders)) {
    let count = 0
    const parser = create(() => count++)
    const start = performance.now()
    for (const text of texts) parser.feed(text)
    times[name].push(performance.now() - start)
    if (count !== corpus.events) throw new Error(`${name}: ${count} events, expected ${corpus.events}`)
  }
}
for (const [name, list] of Object.entries(times)) {
  const sorted = list.slice(1).sort((a, b) => a - b)
  console.log(
    `${corpusName} ${size} B  ${name.padEnd(20)} median ${sorted[sorted.length >> 1].toFixed(1)} ms, best ${sorted[0].toFixed(1)} ms`,
  )
}
