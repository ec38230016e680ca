import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { root } from './build'

const run = promisify(execFile)

/** Every string value of the `exports` map: the files the package promises. */
function exportedFiles(value: unknown): string[] {
  if (typeof value === 'string') return [posix.normalize(value)]
  return Object.values(value as Record<string, unknown>).flatMap(exportedFiles)
}

/** `file` and the files of the package it imports by relative path (declaration chunks), transitively. */
function withImports(dir: string, file: string, found = new Set<string>()): Set<string> {
  if (found.has(file)) return found
  found.add(file)
  const text = readFileSync(join(dir, file), 'utf8')
  for (const [, specifier = ''] of text.matchAll(
    /(?:from|import|require\()\s*\(?\s*["'](\.\.?\/[^"']+)["']/g,
  )) {
    let target = posix.join(posix.dirname(file), specifier)
    // Declaration files name the JavaScript file: `./types-x.js` in a .d.ts is ./types-x.d.ts.
    if (file.endsWith('.d.ts')) target = target.replace(/\.js$/, '.d.ts')
    if (file.endsWith('.d.cts')) target = target.replace(/\.cjs$/, '.d.cts')
    withImports(dir, target, found)
  }
  return found
}

let copy = ''
let packed: string[] = []

// A copy of the working tree as a fresh clone has it (tracked and unignored files: no dist/), sharing
// node_modules, packed with `npm pack`: its prepack script has to build the package.
beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'typed-sse-pack-'))
  const { stdout: files } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    },
  )
  for (const file of files.split('\0')) {
    if (file && existsSync(join(root, file))) cpSync(join(root, file), join(copy, file), { recursive: true })
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir')
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], {
    cwd: copy,
    maxBuffer: 16 * 1024 * 1024,
  })
  // The prepack build prints to stdout before npm's JSON report.
  const report = stdout.slice(stdout.search(/^\[$/m))
  packed = (JSON.parse(report) as { files: { path: string }[] }[])[0]?.files.map(({ path }) => path) ?? []
}, 120_000)

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true })
})

it('packs the build of every exports entry, the declaration chunks they import, README, LICENSE, package.json and nothing else', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: unknown }
  const entries = exportedFiles(manifest.exports)
  const dist = entries.filter((file) => file.startsWith('dist/'))
  // Every entry point comes as ESM and CommonJS, each with its declarations.
  const bases = new Set(dist.map((file) => file.replace(/\.(js|cjs|d\.ts|d\.cts)$/, '')))
  for (const base of bases) {
    expect(dist).toEqual(
      expect.arrayContaining([`${base}.js`, `${base}.cjs`, `${base}.d.ts`, `${base}.d.cts`]),
    )
  }
  const expected = new Set(['README.md', 'LICENSE', 'package.json'])
  for (const file of dist) for (const needed of withImports(copy, file)) expected.add(needed)
  expect(packed.toSorted()).toEqual([...expected].toSorted())
})
