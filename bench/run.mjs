// `npm run bench`: builds typed-sse if `dist/` is missing or older than `src/`, then measures every
// contender on every corpus, chunk size and the loopback server, each case in its own process.
//   node bench/run.mjs [--rounds 3] [--runs 3] [--only corpus,contender,chunk,…] [--no-pipeline] [--no-http]
//                      [--no-memory] [--no-write]
// Each round runs every contender once per case, in its own process (two warm-up runs, then `--runs` timed
// runs); the rounds interleave the contenders, so that a machine that slows down for a minute (a shared
// VM does) slows all of them alike and the ratios hold.
// Writes bench/results/latest.json and the markdown tables it prints to bench/results/latest.md.

import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`)
  return index === -1 ? fallback : args[index + 1]
}
const rounds = Number(option('rounds', '3'))
const runs = Number(option('runs', '3'))
const only = option('only', '').split(',').filter(Boolean)
const flag = (name) => args.includes(`--${name}`)

ensureBuilt()
const { CONTENDERS } = await import('./contenders.mjs')
const { CORPORA, CORPUS_LABELS } = await import('./corpora.mjs')
const { measureOurs, measurePeers, BUDGETS } = await import('../scripts/size.mjs')

const CHUNKS = [64, 1024, 16 * 1024]
const baseline = Object.keys(CONTENDERS).find((name) => CONTENDERS[name].baseline)
/** `--only` narrows each dimension it names (corpora, chunk sizes, contenders); the baseline always runs. */
const narrow = (all) => {
  const picked = all.filter((name) => only.includes(String(name)))
  return picked.length > 0 ? picked : all
}
const corpora = narrow(CORPORA)
const chunks = narrow(CHUNKS)
const contenders = Object.keys(CONTENDERS).filter(
  (name) => narrow(Object.keys(CONTENDERS)).includes(name) || name === baseline || name === 'floor',
)

/** Rebuilds with tsup when dist/ is older than any source file. */
function ensureBuilt() {
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .reduce(
        (time, entry) => Math.max(time, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs),
        0,
      )
  const built = join(root, 'dist/index.js')
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(root, 'src'))) return
  console.error('building typed-sse (tsup)…')
  execFileSync('npx', ['tsup'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}

function runCase(contender, corpus, transport) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', join(root, 'bench/case.mjs'), contender, corpus, String(transport), String(runs)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (data) => {
      out += data
    })
    child.stderr.on('data', (data) => {
      err += data
    })
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()))
      else reject(new Error(`${contender} ${corpus} ${transport} failed (exit ${code}):\n${err}`))
    })
  })
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Runs every selected contender on one corpus and transport; returns rows with ratios filled in. */
async function measureGroup(corpus, transport) {
  const measured = new Map(contenders.map((contender) => [contender, { times: [] }]))
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) {
      const { times, events, bytes } = await runCase(contender, corpus, transport)
      const result = measured.get(contender)
      result.times.push(...times)
      Object.assign(result, { events, bytes })
    }
  }
  const rows = []
  for (const [contender, result] of measured) {
    const ms = median(result.times)
    const row = {
      corpus,
      transport: typeof transport === 'number' ? `${transport} B chunks` : 'loopback http',
      chunk: typeof transport === 'number' ? transport : null,
      contender,
      label: CONTENDERS[contender].label,
      runs: result.times.length,
      times: result.times.map((t) => Math.round(t * 10) / 10),
      medianMs: Math.round(ms * 10) / 10,
      minMs: Math.round(Math.min(...result.times) * 10) / 10,
      spread: Math.round(((Math.max(...result.times) - Math.min(...result.times)) / ms) * 100) / 100,
      eventsPerSec: Math.round(result.events / (ms / 1000)),
      mbPerSec: Math.round((result.bytes / 1e6 / (ms / 1000)) * 10) / 10,
    }
    rows.push(row)
    console.error(`  ${corpus} ${row.transport} ${contender}: ${row.medianMs} ms (${row.times.join(', ')})`)
  }
  const base = rows.find((row) => row.contender === baseline)
  const floorRow = rows.find((row) => row.contender === 'floor')
  for (const row of rows) {
    row.vsEventsourceParser = base ? Math.round((base.medianMs / row.medianMs) * 100) / 100 : null
    row.ofFloor = floorRow ? Math.round((floorRow.medianMs / row.medianMs) * 100) / 100 : null
  }
  return rows
}

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench/server.mjs')], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    child.stdout.once('data', (data) => resolve({ child, origin: `http://127.0.0.1:${String(data).trim()}` }))
    child.once('error', reject)
  })
}

function runMemory() {
  const output = execFileSync(process.execPath, ['--expose-gc', join(root, 'bench/memory.mjs')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return JSON.parse(output.trim().split('\n').pop())
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown'
  return {
    cpu: model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  }
}

const started = Date.now()
const results = { machine: machine(), rounds, runs, pipeline: [], http: [], sizes: null, memory: null }

for (const corpus of flag('no-pipeline') ? [] : corpora) {
  for (const chunk of chunks) {
    results.pipeline.push(...(await measureGroup(corpus, chunk)))
  }
}
if (!flag('no-http')) {
  const { child, origin } = await startServer()
  try {
    for (const corpus of corpora) {
      results.http.push(...(await measureGroup(corpus, origin)))
    }
  } finally {
    child.stdin.end()
    child.kill('SIGTERM')
  }
}
const ours = await measureOurs()
const strip = ({ min, gzip, brotli }) => ({ min, gzip, brotli })
results.sizes = {
  budgets: BUDGETS,
  'typed-sse': strip(ours.core),
  'typed-sse/react (on top)': strip(ours.react),
  ...(await measurePeers()),
}
if (!flag('no-memory')) results.memory = runMemory()
results.seconds = Math.round((Date.now() - started) / 1000)

const markdown = renderMarkdown(results)
console.log(markdown)
if (!flag('no-write')) {
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(root, 'bench/results/latest.md'), markdown)
}

function formatRate(events) {
  if (events >= 1e6) return `${(events / 1e6).toFixed(2)} M`
  return `${(events / 1e3).toFixed(0)} k`
}

function cell(row) {
  if (!row) return '–'
  const ratio = row.contender === baseline ? '1.00×' : `**${row.vsEventsourceParser.toFixed(2)}×**`
  return `${formatRate(row.eventsPerSec)} ev/s · ${row.mbPerSec} MB/s · ${ratio}`
}

function renderMarkdown({ machine, pipeline, http, sizes, memory }) {
  const lines = []
  lines.push('## Benchmarks', '')
  lines.push(
    `Measured on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, ${machine.platform}, ${machine.date.slice(0, 10)}.`,
    `Median of ${rounds * runs} runs: ${rounds} rounds that interleave the contenders, each case in its own process with two warm-up runs and ${runs} timed runs (\`npm run bench\`, raw numbers in \`bench/results/latest.json\`).`,
    'Each cell: events/s · MB/s (10⁶ bytes) · speed relative to eventsource-parser (createParser fed by `TextDecoderStream`, **bold** = ratio).',
    "Pipeline columns: an in-memory `fetch` whose body streams the corpus in chunks of that size; loopback: a `node:http` server on 127.0.0.1 writing the corpus as fast as the socket takes it, read with Node's `fetch`.",
    "Every contender counts each event with a listener; typed-sse's `text` decoding hands over the raw string, `json` also runs `JSON.parse` on each event (no other contender parses JSON).",
    '',
  )
  for (const corpus of CORPORA) {
    const corpusRows = pipeline.filter((row) => row.corpus === corpus)
    const httpRows = http.filter((row) => row.corpus === corpus)
    if (corpusRows.length + httpRows.length === 0) continue
    lines.push(`### ${CORPUS_LABELS[corpus]}`, '')
    lines.push('| contender | 64 B chunks | 1 KiB chunks | 16 KiB chunks | loopback HTTP |')
    lines.push('|---|---|---|---|---|')
    for (const contender of Object.keys(CONTENDERS)) {
      const cells = CHUNKS.map((chunk) =>
        corpusRows.find((row) => row.contender === contender && row.chunk === chunk),
      )
      const httpRow = httpRows.find((row) => row.contender === contender)
      if (cells.every((row) => !row) && !httpRow) continue
      lines.push(`| ${CONTENDERS[contender].label} | ${cells.map(cell).join(' | ')} | ${cell(httpRow)} |`)
    }
    lines.push('')
  }
  const ours = [...pipeline, ...http].filter((row) => row.contender === 'typed-sse-text')
  if (ours.length > 0) {
    const ratios = ours.map((row) => row.vsEventsourceParser)
    const floors = ours.map((row) => row.ofFloor)
    lines.push(
      `typed-sse (text) against eventsource-parser: ${Math.min(...ratios).toFixed(2)}× to ${Math.max(...ratios).toFixed(2)}×; against the floor: ${Math.min(...floors).toFixed(2)} to ${Math.max(...floors).toFixed(2)} of its speed.`,
      '',
    )
  }
  if (sizes) {
    lines.push(
      '### Bundle size',
      '',
      'Everything an entry exports, bundled and minified by esbuild, then compressed (1 KB = 1024 bytes).',
      '',
    )
    lines.push('| package | min | min+gzip | min+brotli |', '|---|---|---|---|')
    for (const [name, size] of Object.entries(sizes)) {
      if (name === 'budgets') continue
      const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`
      lines.push(`| ${name} | ${kb(size.min)} | ${kb(size.gzip)} | ${kb(size.brotli)} |`)
    }
    lines.push(
      '',
      `Budget (\`npm run size\`, part of \`npm test\`): core ≤ ${sizes.budgets.core / 1024} KB, \`typed-sse/react\` ≤ ${sizes.budgets.react / 1024} KB on top, min+brotli.`,
      '',
    )
  }
  if (memory) {
    lines.push('### Memory', '', '| scenario | heap before | heap after | growth |', '|---|---|---|---|')
    for (const entry of memory.scenarios) {
      const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`
      lines.push(
        `| ${entry.label} | ${mb(entry.before)} | ${mb(entry.after)} | ${mb(entry.after - entry.before)} |`,
      )
    }
    lines.push('', 'Heap used after a forced GC (`node --expose-gc bench/memory.mjs`).', '')
  }
  return lines.join('\n')
}
