// The peers' manifests as Node (and esbuild, for the Chromium page) resolve them from bench/: the versions
// in the labels are the installed ones, and their `engines` tell which Node they declare they need. And
// Node 24, installed beside them.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bench = dirname(fileURLToPath(import.meta.url))

/** Node 24, as bench/package.json installs it beside the peers (`npm run bench` does on first use). */
export const NODE_24 = join(bench, 'node_modules/node/bin/node')

/** The Node a bench script runs its cases on: Node 24 when it is installed, else the Node running it. */
export function benchNode() {
  return existsSync(NODE_24) ? NODE_24 : process.execPath
}

/** The package.json of `name` found the way Node looks it up from `start` (node_modules, then upwards). */
function manifest(name, start = bench) {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json')
    if (existsSync(file)) return { dir: dirname(file), ...JSON.parse(readFileSync(file, 'utf8')) }
    if (dirname(dir) === dir)
      throw new Error(`${name} is not installed: run npm run bench (it installs bench/)`)
  }
}

/** The installed version of `name`; with `within`, the copy that package `within` loads. */
export function peerVersion(name, within) {
  return manifest(name, within ? manifest(within).dir : bench).version
}

/** The lowest Node a peer declares (`engines.node` of the form `>=X.Y…`), or undefined. */
export function peerNeedsNode(name) {
  const range = manifest(name).engines?.node ?? ''
  const match = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range)
  return match ? match.slice(1).map((part) => Number(part ?? 0)) : undefined
}

/** Whether Node `version` ("v20.20.2") satisfies `needs` ([major, minor, patch]). */
export function satisfies(version, needs) {
  if (!needs) return true
  const have = version.replace(/^v/, '').split('.').map(Number)
  for (let i = 0; i < 3; i++) if (have[i] !== needs[i]) return have[i] > needs[i]
  return true
}
