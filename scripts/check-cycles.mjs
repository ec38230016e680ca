// Fails when a module in src/ imports itself through others (an import cycle), type imports included:
// the layers run one way (parser → connection → stream → subscribe/hook), and a cycle would hide a layer
// that knows too much. Part of `npm test`.
//   node scripts/check-cycles.mjs

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')

/** Every .ts/.tsx file under `folder`. */
function sourceFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** The files of src/ that `file` imports or re-exports (relative specifiers only). */
function importsOf(file) {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map(
    (m) => m[1],
  )
  return specifiers.map((specifier) => {
    const base = resolve(dirname(file), specifier)
    const candidates = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]
    const found = candidates.find((candidate) => existsSync(candidate))
    if (!found) throw new Error(`${relative(root, file)}: cannot resolve ${specifier}`)
    return found
  })
}

const graph = new Map(sourceFiles(src).map((file) => [file, importsOf(file)]))
const done = new Set()
const cycles = []

/** Depth-first search; `path` is the chain of imports that led to `file`. */
function visit(file, path) {
  const at = path.indexOf(file)
  if (at !== -1) {
    cycles.push([...path.slice(at), file].map((step) => relative(root, step)).join(' → '))
    return
  }
  if (done.has(file)) return
  for (const next of graph.get(file) ?? []) visit(next, [...path, file])
  done.add(file)
}

for (const file of graph.keys()) visit(file, [])
if (cycles.length > 0) {
  console.error(
    `Import cycles in src/ (${cycles.length}):\n${cycles.map((cycle) => `  ${cycle}`).join('\n')}`,
  )
  process.exit(1)
}
console.log(`no import cycle among the ${graph.size} modules of src/`)
