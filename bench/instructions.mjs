// Instructions per warmed stream, by kind of code: runs one case (bench/case.mjs, on Node 24 from bench/)
// under `valgrind --tool=callgrind` twice, for 3 and for 11 streams, and prints the difference divided by 8
// per kind: a count that the machine's speed and load do not move (about 1 % from run to run). The JIT's
// code is named with `--perf-basic-prof`. Needs valgrind (`apt-get install valgrind`).
//   node bench/instructions.mjs [contender=typed-sse-text] [corpus=tokens] [chunk bytes=16384]

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchNode } from './peers.mjs'

const bench = dirname(fileURLToPath(import.meta.url))
const node = benchNode()
const [contender = 'typed-sse-text', corpus = 'tokens', chunk = '16384'] = process.argv.slice(2)

/** Kinds of code, the first whose pattern matches a function's name wins; the rest is "other". */
const KINDS = [
  ["the library's JavaScript", /^JS:.*(\/dist\/|bench\/node_modules\/)/],
  ["the benchmark's handler", /^JS:.*bench\/readers\.mjs/],
  ['other JavaScript (Node, the in-memory fetch)', /^JS:/],
  ['generic calls', /Builtins_(Call|CallFunction)_/],
  ['routing by type (string comparison, hashing, Map)', /StringEqual|ComputeAndSetRawHash|OrderedHashMap/],
  [
    'string built-ins',
    /StringSubstring|StringIndexOf|StringSearch|SearchStringRaw|memchr|CharCodeAt|StringPrototypeSlice|StringAdd|WriteToFlat|CopyChars/,
  ],
  ['UTF-8 decoding', /simdutf|StringBytes::Encode|Utf8/],
  ['memory copies', /memmove|memcpy/],
  [
    'garbage collection (with the gc() between streams)',
    /Mark|Scaveng|Sweep|SizeFromMap|BodyDescriptor|IterateObjectCache|NeedsResetDueToFlushedBytecode|Heap::|FreeList|PointersUpdating|StringTableCleaner|Evacuat|RelocIterator|JSDispatchTable|DescriptorArray|ClearNonLive|ClearWeak|Worklist/,
  ],
]

/** Self instructions by function name of one run of `streams` streams. */
function countRun(streams) {
  const dir = mkdtempSync(join(tmpdir(), 'typed-sse-instructions-'))
  try {
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${join(dir, 'out.%p')}`,
        node,
        '--expose-gc',
        '--single-threaded',
        '--perf-basic-prof',
        join(bench, 'case.mjs'),
        contender,
        corpus,
        chunk,
        String(streams - 2), // case.mjs runs two warm-up streams first
      ],
      { cwd: join(bench, '..'), stdio: ['ignore', 'ignore', 'ignore'] },
    )
    const out = readdirSync(dir).find((name) => name.startsWith('out.'))
    const pid = out.slice(4)
    const names = jitNames(`/tmp/perf-${pid}.map`)
    rmSync(`/tmp/perf-${pid}.map`, { force: true })
    const annotated = execFileSync('callgrind_annotate', ['--threshold=100', join(dir, out)], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    })
    const counts = new Map()
    for (const line of annotated.split('\n')) {
      const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line)
      if (!match || match[2].includes('PROGRAM TOTALS')) continue
      const address = /^\?\?\?:(0x[0-9a-f]+)/.exec(match[2])
      const name = address ? names(Number.parseInt(address[1], 16)) : match[2].replace(/ \[.*\]$/, '')
      counts.set(name, (counts.get(name) ?? 0) + Number(match[1].replaceAll(',', '')))
    }
    return counts
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The names of the JIT's code from a perf map (`start size name` per line), looked up by address. */
function jitNames(file) {
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, size, ...name] = line.split(' ')
      return { start: Number.parseInt(start, 16), size: Number.parseInt(size, 16), name: name.join(' ') }
    })
    .sort((a, b) => a.start - b.start)
  return (address) => {
    let low = 0
    let high = entries.length - 1
    while (low <= high) {
      const middle = (low + high) >> 1
      const entry = entries[middle]
      if (address < entry.start) high = middle - 1
      else if (address >= entry.start + entry.size) low = middle + 1
      else return entry.name
    }
    return '(unknown JIT code)'
  }
}

const short = countRun(3)
const long = countRun(11)
const perStream = new Map()
const functions = new Map()
for (const [name, count] of long) {
  const instructions = (count - (short.get(name) ?? 0)) / 8
  const kind = KINDS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other'
  perStream.set(kind, (perStream.get(kind) ?? 0) + instructions)
  functions.set(name, instructions)
}
const millions = (count) => (count / 1e6).toFixed(1)
const total = [...perStream.values()].reduce((sum, count) => sum + count, 0)
console.log(`${contender} · ${corpus} · ${chunk} B chunks: ${millions(total)} M instructions per stream\n`)
console.log('| where | M instructions per stream |\n|---|---:|')
for (const [kind] of [...KINDS, ['other']]) console.log(`| ${kind} | ${millions(perStream.get(kind) ?? 0)} |`)
console.log('\n| function (self) | M instructions per stream |\n|---|---:|')
for (const [name, count] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  const shown = name.replace(/^\?\?\?:/, '').replace(/\S*\/(?=[^/\s]+:\d+:\d+)/, '')
  console.log(`| ${shown.length > 90 ? `${shown.slice(0, 89)}…` : shown} | ${millions(count)} |`)
}
