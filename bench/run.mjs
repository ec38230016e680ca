// `npm run bench`: builds typed-sse if `dist/` is missing or older than `src/`, installs bench/package.json
// (the peers and Node 24) when bench/node_modules does not hold its lockfile's versions, then measures every
// contender on every corpus, chunk size and the loopback server, each case in its own process: on Node 24
// (from the `node` package in bench/node_modules, whatever Node runs npm), again on the Node that runs this
// when it is Node 20, then in Chromium (bench/browser.mjs).
//   node bench/run.mjs [--rounds 1] [--runs 2] [--only corpus,contender,chunk,runtime,…] [--no-pipeline]
//                      [--no-http] [--no-node20] [--no-browser] [--no-memory] [--no-write]
// `--only` narrows each dimension it names: corpora (small, large, tokens), chunk sizes (64, 1024, 16384),
// contenders (Node's and Chromium's names) and runtimes (node24, node20, chromium); the peers' callback
// contenders always run, they are the denominators of the ratios, and so does eventsource-parser behind a
// pull-based async generator (the `for await` goal's denominator) whenever typed-sse-for-await runs.
// Each round runs every contender once per case, in its own process (two warm-up runs, then `--runs` timed
// runs); the rounds interleave the contenders, so that a machine that slows down for a minute (a shared
// VM does) slows all of them alike and the ratios hold.
// Writes bench/results/latest.json and the markdown tables it prints to bench/results/latest.md.

import { execFileSync, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_24 } from './peers.mjs'

const bench = dirname(fileURLToPath(import.meta.url))
const root = join(bench, '..')
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`)
  return index === -1 ? fallback : args[index + 1]
}
const rounds = Number(option('rounds', '1'))
const runs = Number(option('runs', '2'))
const only = option('only', '').split(',').filter(Boolean)
const flag = (name) => args.includes(`--${name}`)

ensureBuilt()
ensureInstalled()
const { CONTENDERS } = await import('./contenders.mjs')
const { BROWSER_CONTENDERS, NATIVE_FRACTION, bundlePage, measureBrowser } = await import('./browser.mjs')
const { CORPORA, CORPUS_LABELS, saveCorpora } = await import('./corpora.mjs')
const { peerNeedsNode, peerVersion, satisfies } = await import('./peers.mjs')
const { startServer } = await import('./serverProcess.mjs')
const { measureOurs, measurePeers, BUDGETS } = await import('../scripts/size.mjs')

const CHUNKS = [64, 1024, 16 * 1024]
const GOALS = {
  on: {
    target: 1,
    loopbackTarget: 1,
    geomeanTarget: 1.1,
    text: "on (decode 'text') ≥ 1.0× best peer's callbacks in every cell, geomean of a runtime's cells ≥ 1.1×; loopback ≥ 1.0×",
  },
  forAwait: {
    target: 1,
    text: 'for await ≥ 1.0× eventsource-parser behind a pull-based async generator (eventsource-parser-generator)',
  },
  json: { target: 1, text: "decode 'json' ≥ 1.0× best peer whose handler calls JSON.parse" },
}
const RUNTIME_NAMES = { node24: 'Node 24', node20: 'Node 20', chromium: 'Chromium' }
const TRANSPORTS = [...CHUNKS.map((chunk) => `${chunk} B chunks`), 'loopback http']
const TRANSPORT_LABELS = ['64 B chunks', '1 KiB chunks', '16 KiB chunks', 'loopback HTTP']
/** `--only` narrows each dimension it names; a dimension it does not name keeps all its values. */
const narrow = (all) => {
  const picked = all.filter((name) => only.includes(String(name)))
  return picked.length > 0 ? picked : all
}
const corpora = narrow(CORPORA)
const chunks = narrow(CHUNKS)
const named = [...Object.keys(CONTENDERS), ...Object.keys(BROWSER_CONTENDERS)].filter((name) =>
  only.includes(name),
)
/**
 * The contenders `--only` names, plus the denominators: the peers' callbacks, and the generator when
 * typed-sse-for-await runs; all when it names none.
 */
const pick = (table) =>
  Object.keys(table).filter(
    (name) =>
      named.length === 0 ||
      named.includes(name) ||
      table[name].kind === 'callbacks' ||
      (table[name].kind === 'generator' && named.includes('typed-sse-for-await')),
  )
const contenders = pick(CONTENDERS)
const browserContenders = pick(BROWSER_CONTENDERS)
const runtimeNames = narrow(['node24', 'node20', 'chromium'])

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

/** `npm ci` in bench/ when a package its lockfile lists is missing or installed at another version. */
function ensureInstalled() {
  const lock = JSON.parse(readFileSync(join(bench, 'package-lock.json'), 'utf8'))
  const stale = Object.entries(lock.packages)
    .filter(([path]) => path.startsWith('node_modules/'))
    .filter(([path, { version }]) => {
      const manifest = join(bench, path, 'package.json')
      return !existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).version !== version
    })
  if (stale.length === 0 && existsSync(NODE_24)) return
  console.error(`[bench] installing bench/package.json (${stale.map(([path]) => path.slice(13)).join(', ')})`)
  // The npm that runs this may be on a Node that eventsource 5 and eventsource-parser 4 declare they do not
  // support: their EBADENGINE warnings are expected, so only errors are printed.
  execFileSync('npm', ['ci', '--loglevel=error', '--no-audit', '--no-fund'], { cwd: bench, stdio: 'inherit' })
}

/** Node 24 from bench/node_modules; the Node that runs this too when it is Node 20 (still supported). */
function nodeRuntimes() {
  const version = execFileSync(NODE_24, ['--version'], { encoding: 'utf8' }).trim()
  const list = [{ id: 'node24', name: 'Node 24', exec: NODE_24, version, from: 'npm package `node`' }]
  if (process.version.startsWith('v20.') && !flag('no-node20')) {
    list.push({
      id: 'node20',
      name: 'Node 20',
      exec: process.execPath,
      version: process.version,
      from: 'system',
    })
  }
  return list.filter((runtime) => runtimeNames.includes(runtime.id))
}

/**
 * Runs one case in a child process on `runtime`: resolves with its last line `{ times, events, bytes,
 * delivered? }`, or, when the contender's `timeLimit` ran out first (the child is killed), with
 * `{ times: [], stopped: ms, events, bytes, delivered }` from the lines it printed before.
 */
function runCase(runtime, contender, corpus, transport) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      runtime.exec,
      ['--expose-gc', join(bench, 'case.mjs'), contender, corpus, String(transport), String(runs)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const { timeLimit } = CONTENDERS[contender]
    let stopped = false
    const timer =
      timeLimit &&
      setTimeout(() => {
        stopped = true
        child.kill('SIGKILL')
      }, timeLimit)
    let out = ''
    let err = ''
    child.stdout.on('data', (data) => {
      out += data
    })
    child.stderr.on('data', (data) => {
      err += data
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      const lines = out
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
      if (code === 0) resolve(lines.at(-1))
      else if (stopped && lines.length > 0) {
        const delivered = lines.filter((line) => line.run >= 0).map((line) => line.delivered)
        resolve({ ...lines[0], times: [], stopped: timeLimit, delivered })
      } else {
        const why = stopped ? `stopped after ${timeLimit} ms` : `exit ${code}`
        reject(new Error(`${runtime.name}: ${contender} ${corpus} ${transport} failed (${why}):\n${err}`))
      }
    })
  })
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const round2 = (value) => Math.round(value * 100) / 100
const round1 = (value) => Math.round(value * 10) / 10

/** The Node a contender's peers declare they need, if `version` is older ("22.12"), else undefined. */
function unmetEngine(contender, version) {
  for (const name of CONTENDERS[contender].packages ?? []) {
    const needs = peerNeedsNode(name)
    if (!satisfies(version, needs)) return needs.slice(0, 2).join('.')
  }
  return undefined
}

/**
 * A result row from the times of all rounds. A contender stopped at its time limit in every round has no
 * times: its row gives the rate it stayed below (`eventsPerSecBelow`, the events over the time limit).
 */
function toRow(base, { times, events, bytes, delivered, stopped, stoppedRounds }) {
  const deliveredFields = delivered?.length > 0 && {
    delivered: median(delivered),
    deliveredPerRun: delivered,
  }
  if (times.length === 0) {
    return {
      ...base,
      runs: 0,
      stoppedAfterMs: stopped,
      events,
      bytes,
      eventsPerSecBelow: Math.round(events / (stopped / 1000)),
      ...deliveredFields,
    }
  }
  const ms = median(times)
  return {
    ...base,
    runs: times.length,
    times: times.map(round1),
    medianMs: round1(ms),
    minMs: round1(Math.min(...times)),
    spread: round2((Math.max(...times) - Math.min(...times)) / ms),
    events,
    bytes,
    eventsPerSec: Math.round(events / (ms / 1000)),
    mbPerSec: round1(bytes / 1e6 / (ms / 1000)),
    ...(stopped && { stoppedAfterMs: stopped, stoppedRounds }),
    ...deliveredFields,
  }
}

/** Runs every selected contender on one corpus and transport on one Node. */
async function measureGroup(runtime, corpus, transport) {
  const measured = new Map(contenders.map((contender) => [contender, { times: [] }]))
  const base = {
    runtime: runtime.id,
    corpus,
    transport: typeof transport === 'number' ? `${transport} B chunks` : 'loopback http',
    chunk: typeof transport === 'number' ? transport : null,
  }
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) {
      const result = measured.get(contender)
      if (result.unsupported) continue
      try {
        const { times, events, bytes, delivered, stopped } = await runCase(
          runtime,
          contender,
          corpus,
          transport,
        )
        result.times.push(...times)
        if (stopped) {
          result.stopped = stopped
          result.stoppedRounds = (result.stoppedRounds ?? 0) + 1
        }
        if (delivered) result.delivered = [...(result.delivered ?? []), ...delivered]
        Object.assign(result, { events, bytes })
      } catch (error) {
        const needs = unmetEngine(contender, runtime.version)
        if (!needs) throw error
        result.unsupported = `needs Node ≥ ${needs}`
        result.error = String(error.message).split('\n').slice(0, 4).join('\n')
      }
    }
  }
  const rows = []
  for (const [contender, result] of measured) {
    const { label, kind, lossy } = CONTENDERS[contender]
    const info = { ...base, contender, label, kind, ...(lossy && { lossy }) }
    const needs = unmetEngine(contender, runtime.version)
    if (result.unsupported) {
      rows.push({ ...info, unsupported: result.unsupported, error: result.error })
      console.error(`  ${runtime.id} ${corpus} ${base.transport} ${contender}: n/a (${result.unsupported})`)
      continue
    }
    const row = toRow({ ...info, ...(needs && { declaresNode: `≥ ${needs}` }) }, result)
    rows.push(row)
    const timing =
      row.runs > 0 ? `${row.medianMs} ms (${row.times.join(', ')})` : `stopped after ${row.stoppedAfterMs} ms`
    const delivered = row.lossy ? `, ${row.delivered ?? 'unknown'} of ${row.events} delivered` : ''
    console.error(`  ${runtime.id} ${corpus} ${base.transport} ${contender}: ${timing}${delivered}`)
  }
  return addRatios(rows)
}

/**
 * Ratios of one group (one runtime, corpus, transport): to the best peer's callbacks and JSON.parse, and
 * typed-sse's `for await` to the generator.
 */
function addRatios(rows) {
  const best = (kind) =>
    rows
      .filter((row) => row.kind === kind && row.eventsPerSec)
      .reduce((top, row) => (!top || row.eventsPerSec > top.eventsPerSec ? row : top), undefined)
  const bestPeer = best('callbacks')
  const bestJson = best('json')
  const generator = best('generator')
  for (const row of rows) {
    if (!row.eventsPerSec) continue
    if (bestPeer) {
      row.bestPeer = bestPeer.contender
      row.vsBestPeer = round2(row.eventsPerSec / bestPeer.eventsPerSec)
    }
    if (bestJson && (row.kind === 'json' || row.contender === 'typed-sse-json')) {
      row.bestJsonPeer = bestJson.contender
      row.vsBestJsonPeer = round2(row.eventsPerSec / bestJson.eventsPerSec)
    }
    if (generator && row.contender === 'typed-sse-for-await') {
      row.generator = generator.contender
      row.vsGenerator = round2(row.eventsPerSec / generator.eventsPerSec)
    }
  }
  return rows
}

/**
 * The issue's goals, read off each group: typed-sse's ratios to their yardsticks; then per runtime the
 * geometric mean of its `on` ratios over the cells measured.
 */
function goals(rows) {
  const list = []
  const onRatios = new Map()
  const groups = new Map()
  for (const row of rows) {
    const key = `${row.runtime}|${row.corpus}|${row.transport}`
    groups.set(key, [...(groups.get(key) ?? []), row])
  }
  for (const group of groups.values()) {
    const { runtime, corpus, transport } = group[0]
    const loopback = group[0].chunk === null
    const find = (contender) => group.find((row) => row.contender === contender)
    const add = (goal, ratio, versus, target) => {
      if (ratio === undefined) return
      list.push({ runtime, corpus, transport, goal, target, ratio, met: ratio >= target, versus })
    }
    const on = find('typed-sse-text')
    add('on', on?.vsBestPeer, on?.bestPeer, loopback ? GOALS.on.loopbackTarget : GOALS.on.target)
    if (on?.vsBestPeer !== undefined) {
      const exact = on.eventsPerSec / find(on.bestPeer).eventsPerSec
      onRatios.set(runtime, [...(onRatios.get(runtime) ?? []), exact])
    }
    const loop = find('typed-sse-for-await')
    add('forAwait', loop?.vsGenerator, loop?.generator, GOALS.forAwait.target)
    const json = find('typed-sse-json')
    add('json', json?.vsBestJsonPeer, json?.bestJsonPeer, GOALS.json.target)
  }
  for (const [runtime, ratios] of onRatios) {
    const ratio = round2(Math.exp(ratios.reduce((sum, value) => sum + Math.log(value), 0) / ratios.length))
    const target = GOALS.on.geomeanTarget
    list.push({
      runtime,
      corpus: 'all',
      transport: 'geomean',
      goal: 'onGeomean',
      target,
      ratio,
      met: ratio >= target,
      cells: ratios.length,
    })
  }
  return list
}

async function runBrowser(origin) {
  const measured = await measureBrowser({
    origin,
    corpora,
    contenders: browserContenders,
    rounds,
    runs,
    log: (line) => console.error(line),
  })
  const rows = measured.results.map((result) => {
    const { label, kind, lossy, fraction } = BROWSER_CONTENDERS[result.contender]
    const base = {
      runtime: 'chromium',
      corpus: result.corpus,
      transport: 'loopback http',
      chunk: null,
      contender: result.contender,
      label,
      kind,
      ...(lossy && { lossy }),
      ...(fraction && { fraction }),
    }
    return toRow(base, result)
  })
  const groups = corpora.map((corpus) => addRatios(rows.filter((row) => row.corpus === corpus)))
  return { version: measured.version, rows: groups.flat() }
}

/** Node 24 reads the memory scenarios (bench/memory.mjs). */
function runMemory() {
  const output = execFileSync(NODE_24, ['--expose-gc', join(bench, 'memory.mjs')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return JSON.parse(output.trim().split('\n').pop())
}

/** The peers' sizes, bundled from bench/node_modules the way scripts/size.mjs bundles typed-sse, labelled with their versions. */
async function measurePeerSizes() {
  const sizes = await measurePeers(bench)
  return Object.fromEntries(
    Object.entries(sizes).map(([entry, size]) => {
      const [name, ...rest] = entry.split(' ') // 'eventsource-parser + /stream'
      return [[`${name} ${peerVersion(name)}`, ...rest].join(' '), size]
    }),
  )
}

function machine(runtimes) {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown'
  const os = existsSync('/etc/os-release')
    ? (/^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '')
    : ''
  return {
    cpu: model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    os: os || `${process.platform} ${release()}`,
    runtimes: Object.fromEntries(
      runtimes.map((runtime) => [runtime.id, `${runtime.version} (${runtime.from})`]),
    ),
    date: new Date().toISOString(),
  }
}

const started = Date.now()
const runtimes = nodeRuntimes()
const results = {
  machine: machine(runtimes),
  rounds,
  runs,
  rows: [],
  goals: [],
  sizes: null,
  memory: null,
  seconds: {},
}
const browser = runtimeNames.includes('chromium') && !flag('no-browser')
// Scratch space: the corpora, built once for every case (TYPED_SSE_BENCH_CORPORA), and the Chromium page.
const scratch = mkdtempSync(join(tmpdir(), 'typed-sse-bench-'))
process.env.TYPED_SSE_BENCH_CORPORA = scratch
saveCorpora(scratch)
if (browser) await bundlePage(scratch)
const { child: server, origin } = await startServer(NODE_24, browser ? scratch : undefined)
try {
  for (const runtime of runtimes) {
    const start = Date.now()
    console.error(`[bench] ${runtime.name} (${runtime.version})`)
    for (const corpus of flag('no-pipeline') ? [] : corpora) {
      for (const chunk of chunks) results.rows.push(...(await measureGroup(runtime, corpus, chunk)))
    }
    for (const corpus of flag('no-http') ? [] : corpora) {
      results.rows.push(...(await measureGroup(runtime, corpus, origin)))
    }
    results.seconds[runtime.id] = Math.round((Date.now() - start) / 1000)
  }
  if (browser) {
    const start = Date.now()
    console.error('[bench] Chromium')
    try {
      const chromium = await runBrowser(origin)
      results.machine.runtimes.chromium = `${chromium.version}, ${process.env.CHROME_PATH ?? '/usr/bin/chromium'} headless, Playwright ${playwrightVersion()}`
      results.rows.push(...chromium.rows)
    } catch (error) {
      // No Chromium here (or it failed): keep what Node measured.
      console.error(`[bench] the Chromium section failed, left out: ${error.stack ?? error}`)
      results.browserError = String(error.message ?? error)
    }
    results.seconds.chromium = Math.round((Date.now() - start) / 1000)
  }
} finally {
  server.stdin.end()
  server.kill('SIGTERM')
  rmSync(scratch, { recursive: true, force: true })
}
results.goals = goals(results.rows)
const ours = await measureOurs()
const strip = ({ min, gzip, brotli }) => ({ min, gzip, brotli })
results.sizes = {
  budgets: BUDGETS,
  'typed-sse': strip(ours.core),
  'typed-sse/react (on top)': strip(ours.react),
  ...(await measurePeerSizes()),
}
if (!flag('no-memory')) results.memory = runMemory()
results.seconds.total = Math.round((Date.now() - started) / 1000)

const markdown = renderMarkdown(results)
console.log(markdown)
if (!flag('no-write')) {
  mkdirSync(join(bench, 'results'), { recursive: true })
  writeFileSync(join(bench, 'results/latest.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(bench, 'results/latest.md'), markdown)
}

function playwrightVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules/playwright/package.json'), 'utf8')).version
}

/** "14 min (Node 24 7 min, Node 20 5 min, Chromium 2 min)" */
function durations({ total, ...parts }) {
  const minutes = (seconds) => (seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`)
  const each = Object.entries(parts).map(([id, seconds]) => `${RUNTIME_NAMES[id]} ${minutes(seconds)}`)
  return `${minutes(total)}${each.length > 0 ? ` (${each.join(', ')})` : ''}`
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

function formatRate(events) {
  if (events >= 1e6) return `${(events / 1e6).toFixed(2)} M`
  if (events >= 1e4) return `${(events / 1e3).toFixed(0)} k`
  return `${(events / 1e3).toFixed(1)} k`
}

function cell(row) {
  if (!row) return '–'
  if (row.unsupported) return `n/a (${row.unsupported})`
  const delivered = !row.lossy
    ? ''
    : row.delivered === undefined
      ? 'stopped before the end of the stream'
      : `${row.delivered.toLocaleString('en-US')} / ${row.events.toLocaleString('en-US')} delivered`
  if (!row.eventsPerSec) {
    return `< ${formatRate(row.eventsPerSecBelow)} ev/s (stopped after ${row.stoppedAfterMs / 1000} s; ${delivered})`
  }
  // typed-sse's `for await` against the generator (its goal's yardstick), every other row the best peer's callbacks.
  const versus = row.contender === 'typed-sse-for-await' ? row.vsGenerator : row.vsBestPeer
  const ratio = versus === undefined ? '' : ` · **${versus.toFixed(2)}×**`
  const stopped = row.stoppedRounds
    ? `; ${row.stoppedRounds} of ${rounds} rounds stopped after ${row.stoppedAfterMs / 1000} s`
    : ''
  return `${formatRate(row.eventsPerSec)} ev/s · ${row.mbPerSec} MB/s${ratio}${delivered || stopped ? ` (${delivered}${stopped})` : ''}`
}

function renderGoals(goalList, runtimeIds) {
  const lines = [
    '### Goals',
    '',
    "typed-sse's events/s divided by its yardstick's in the same case (the contender named; ✓ = goal met); the geomean row: the geometric mean of a runtime's `on` ratios over the cells measured.",
    `${Object.values(GOALS)
      .map((goal) => goal.text)
      .join('; ')}.`,
    '',
    `| corpus | transport | goal | ${runtimeIds.map((id) => RUNTIME_NAMES[id]).join(' | ')} |`,
    `|---|---|---|${runtimeIds.map(() => '---|').join('')}`,
  ]
  for (const corpus of CORPORA) {
    for (const [index, transport] of TRANSPORTS.entries()) {
      for (const goal of Object.keys(GOALS)) {
        const entries = runtimeIds.map((runtime) =>
          goalList.find(
            (entry) =>
              entry.runtime === runtime &&
              entry.corpus === corpus &&
              entry.transport === transport &&
              entry.goal === goal,
          ),
        )
        if (entries.every((entry) => !entry)) continue
        const target = entries.find(Boolean).target
        const name = { on: 'on', forAwait: 'for await', json: "decode 'json'" }[goal]
        const cells = entries.map((entry) =>
          entry ? `${entry.ratio.toFixed(2)}× ${entry.met ? '✓' : '✗'} vs ${entry.versus}` : '–',
        )
        lines.push(
          `| ${corpus} | ${TRANSPORT_LABELS[index]} | ${name} ≥ ${target.toFixed(1)}× | ${cells.join(' | ')} |`,
        )
      }
    }
  }
  const geomeans = runtimeIds.map((runtime) =>
    goalList.find((entry) => entry.runtime === runtime && entry.goal === 'onGeomean'),
  )
  if (geomeans.some(Boolean)) {
    const cells = geomeans.map((entry) =>
      entry ? `${entry.ratio.toFixed(2)}× ${entry.met ? '✓' : '✗'} over ${plural(entry.cells, 'cell')}` : '–',
    )
    lines.push(`| all | geomean | on ≥ ${GOALS.on.geomeanTarget.toFixed(1)}× | ${cells.join(' | ')} |`)
  }
  lines.push('')
  return lines
}

function renderNode(runtimeId, rows) {
  const lines = []
  for (const corpus of CORPORA) {
    const corpusRows = rows.filter((row) => row.corpus === corpus)
    if (corpusRows.length === 0) continue
    lines.push(`#### ${CORPUS_LABELS[corpus]} (${RUNTIME_NAMES[runtimeId]})`, '')
    lines.push(`| contender | ${TRANSPORT_LABELS.join(' | ')} |`, '|---|---|---|---|---|')
    for (const contender of Object.keys(CONTENDERS)) {
      const cells = TRANSPORTS.map((transport) =>
        corpusRows.find((row) => row.contender === contender && row.transport === transport),
      )
      if (cells.every((row) => !row)) continue
      lines.push(`| ${CONTENDERS[contender].label} | ${cells.map(cell).join(' | ')} |`)
    }
    lines.push('')
  }
  const declared = rows.filter((row) => row.declaresNode)
  if (declared.length > 0) {
    const names = [...new Set(declared.map((row) => row.contender))].join(', ')
    lines.push(
      `Ran on ${RUNTIME_NAMES[runtimeId]} although their packages declare Node ${declared[0].declaresNode}: ${names}.`,
      '',
    )
  }
  return lines
}

function renderBrowser(rows) {
  const lines = [`| contender | ${CORPORA.map((corpus) => CORPUS_LABELS[corpus]).join(' | ')} |`]
  lines.push(`|---|${CORPORA.map(() => '---|').join('')}`)
  for (const contender of Object.keys(BROWSER_CONTENDERS)) {
    const cells = CORPORA.map((corpus) =>
      rows.find((row) => row.contender === contender && row.corpus === corpus),
    )
    if (cells.every((row) => !row)) continue
    lines.push(`| ${BROWSER_CONTENDERS[contender].label} | ${cells.map(cell).join(' | ')} |`)
  }
  lines.push('')
  return lines
}

function renderMarkdown({ machine, rows, goals: goalList, sizes, memory, seconds, browserError }) {
  const lines = []
  const runtimeIds = ['node24', 'node20', 'chromium'].filter((id) => rows.some((row) => row.runtime === id))
  lines.push('## Benchmarks', '')
  lines.push(
    `Measured on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB RAM), ${machine.os}, ${machine.platform}, ${machine.date.slice(0, 10)}; \`npm run bench\` took ${durations(seconds)}.`,
    `Runtimes: ${Object.entries(machine.runtimes)
      .map(([id, version]) => `${RUNTIME_NAMES[id]} ${version}`)
      .join('; ')}.`,
    `Median of ${plural(rounds * runs, 'run')} per cell: ${plural(rounds, 'round')} (rounds interleave the contenders), each case in its own process (Node) or browser context (Chromium) with two warm-up runs (one when it took 1.5 s) and ${plural(runs, 'timed run')}; eventsource-client's \`for await\` one run per round, no warm-up, stopped after 10 s (raw numbers in \`bench/results/latest.json\`).`,
    "Each cell: events/s · MB/s (10⁶ bytes) · **ratio** to the best of the peers' callback APIs in the same column (the `callbacks` rows: eventsource-parser's createParser, eventsource-client's onMessage, eventsource's addEventListener, fetch-event-source's onmessage; in Chromium also the native EventSource); typed-sse's `for await` row: ratio to eventsource-parser behind a pull-based async generator (its goal's yardstick, which yields a chunk's events before it reads the next chunk).",
    "Every contender counts each event; typed-sse's `text` decoding hands over the raw string, `json` runs `JSON.parse` on each event, as do the peers' rows whose handler calls JSON.parse.",
    "eventsource-client's `for await` is closed at the first disconnect, as a user stops it (else it reconnects): its `close()` drops the events still queued for the loop, so it delivers fewer than the stream sent; its events/s counts the stream's events (the time until its loop ended).",
    '',
  )
  lines.push(...renderGoals(goalList, runtimeIds))
  for (const runtimeId of ['node24', 'node20']) {
    const runtimeRows = rows.filter((row) => row.runtime === runtimeId)
    if (runtimeRows.length === 0) continue
    lines.push(`### ${RUNTIME_NAMES[runtimeId]}: ${machine.runtimes[runtimeId]}`, '')
    lines.push(
      "Pipeline columns: an in-memory `fetch` whose body streams the corpus in chunks of that size; loopback: a `node:http` server (on Node 24) on 127.0.0.1 writing the corpus as fast as the socket takes it, read with Node's `fetch`.",
      '',
    )
    lines.push(...renderNode(runtimeId, runtimeRows))
  }
  const browserRows = rows.filter((row) => row.runtime === 'chromium')
  if (browserError) lines.push('### Chromium', '', `Left out: ${browserError}`, '')
  if (browserRows.length > 0) {
    lines.push(`### Chromium: ${machine.runtimes.chromium}`, '')
    lines.push(
      'A page on the loopback server (the same `node:http` server, same origin) reads each corpus with `fetch` (or `EventSource`); each contender in a fresh browser context, headless.',
      `The native EventSource reads only the first 1/${NATIVE_FRACTION} of each corpus (about 20k events/s would make the full corpora take minutes); its events/s are over that part.`,
      '',
    )
    lines.push(...renderBrowser(browserRows))
  }
  const ours = rows.filter((row) => row.contender === 'typed-sse-text' && row.vsBestPeer !== undefined)
  if (ours.length > 0) {
    const ratios = ours.map((row) => row.vsBestPeer)
    lines.push(
      `typed-sse (on, decode 'text') against the best peer: ${Math.min(...ratios).toFixed(2)}× to ${Math.max(...ratios).toFixed(2)}×.`,
      '',
    )
  }
  if (sizes) {
    lines.push(
      '### Bundle size',
      '',
      'Everything an entry exports, bundled and minified by esbuild, then compressed (1 KB = 1024 bytes); the peers as installed in bench/node_modules.',
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
      `Budget (\`npm run size\`, part of \`npm test\`): core ≤ ${round2(sizes.budgets.core / 1024)} KB, \`typed-sse/react\` ≤ ${sizes.budgets.react / 1024} KB on top, min+brotli.`,
      '',
    )
  }
  if (memory) {
    const mb = (bytes) => (bytes === undefined ? '–' : `${(bytes / 2 ** 20).toFixed(2)} MiB`)
    lines.push(
      `### Memory: Node 24 ${machine.runtimes.node24 ?? ''}`,
      '',
      '| scenario | heap before | heap after | growth | peak | time |',
      '|---|---|---|---|---|---|',
    )
    for (const entry of memory.scenarios) {
      lines.push(
        `| ${entry.label} | ${mb(entry.before)} | ${mb(entry.after)} | ${mb(entry.after - entry.before)} | ${mb(entry.peak)} | ${entry.seconds === undefined ? '–' : `${entry.seconds} s`} |`,
      )
    }
    lines.push(
      '',
      'Heap used after a forced GC (`node --expose-gc bench/memory.mjs`); the slow loop takes its peak every 20,000 events.',
      '',
    )
  }
  return lines.join('\n')
}
