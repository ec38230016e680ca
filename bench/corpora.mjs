// Deterministic SSE corpora for the benchmarks. Each corpus is one Uint8Array plus the facts a run
// checks against (event count, event types), built in a few hundred milliseconds (the large one in about
// two seconds: run.mjs builds each once into a directory named by TYPED_SSE_BENCH_CORPORA, which the
// cases and the server then read instead).

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const encoder = new TextEncoder()

/** Event names of the `small` corpus, in the order they cycle. */
export const SMALL_TYPES = ['created', 'updated', 'deleted', 'message']

/** 100k small JSON events, each with an `id:` and an `event:` name (~110 B each). */
function small() {
  const users = ['ana', 'bob', 'chloé', 'dmitri', 'eve', 'føy', 'gus', 'hana']
  let text = ''
  for (let i = 0; i < 100_000; i++) {
    const type = SMALL_TYPES[i % SMALL_TYPES.length]
    const name = type === 'message' ? '' : `event: ${type}\n`
    text += `id: ${i}\n${name}data: {"id":${i},"user":"${users[i % users.length]}","score":${(i * 7919) % 10007},"ok":${i % 3 === 0}}\n\n`
  }
  return { text, events: 100_000, types: SMALL_TYPES }
}

/**
 * 5k multi-line events of ~8 KiB (41 MB): pretty-printed JSON, one `data:` line per JSON line. (10k until
 * the bench ran every case on two Nodes and Chromium: half the events keep `npm run bench` in its time.)
 */
function large() {
  let text = ''
  const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'
  for (let i = 0; i < 5_000; i++) {
    text += `id: doc-${i}\ndata: {\n`
    for (let line = 0; line < 96; line++) {
      text += `data:   "field${line}": "${filler.slice(0, 58 + ((i + line) % 11))}",\n`
    }
    text += `data:   "n": ${i}\ndata: }\n\n`
  }
  return { text, events: 5_000, types: ['message'] }
}

/** 200k tiny LLM-token events, no ids, no names (what a chat completion stream sends). */
function tokens() {
  const words = [
    ' the',
    ' quick',
    ' brown',
    ' fox',
    ' jumps',
    ' over',
    ' a',
    ' lazy',
    ' dog',
    '.',
    ' Ç',
    ' 🚀',
  ]
  let text = ''
  for (let i = 0; i < 200_000; i++) text += `data: {"t":"${words[i % words.length]}"}\n\n`
  return { text, events: 200_000, types: ['message'] }
}

const builders = { small, large, tokens }

/** The corpus names, in table order. */
export const CORPORA = Object.keys(builders)

/** A short description per corpus for the tables. */
export const CORPUS_LABELS = {
  small: '100k small JSON events (id + name)',
  large: '5k multi-line events (~8 KiB)',
  tokens: '200k tiny LLM-token events',
}

/** Builds a corpus: `{ name, bytes, events, types }` (read from TYPED_SSE_BENCH_CORPORA when it is there). */
export function buildCorpus(name) {
  const build = builders[name]
  if (!build) throw new Error(`unknown corpus ${name}; one of ${CORPORA.join(', ')}`)
  const dir = process.env.TYPED_SSE_BENCH_CORPORA
  const file = dir && join(dir, `${name}.json`)
  if (file && existsSync(file)) {
    const { events, types } = JSON.parse(readFileSync(file, 'utf8'))
    return { name, bytes: new Uint8Array(readFileSync(join(dir, `${name}.sse`))), events, types }
  }
  const { text, events, types } = build()
  return { name, bytes: encoder.encode(text), events, types }
}

/** Builds every corpus into `dir` for buildCorpus() to read (with TYPED_SSE_BENCH_CORPORA=dir). */
export function saveCorpora(dir) {
  for (const name of CORPORA) {
    const { bytes, events, types } = buildCorpus(name)
    writeFileSync(join(dir, `${name}.sse`), bytes)
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ events, types }))
  }
}

/** Cuts `bytes` into views of `size` bytes (the last may be shorter). Multi-byte characters get split. */
export function chunk(bytes, size) {
  const chunks = []
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
  return chunks
}
