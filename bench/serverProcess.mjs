// Starts the loopback server (bench/server.mjs) in a child process.

import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bench = dirname(fileURLToPath(import.meta.url))

/**
 * Runs bench/server.mjs on the Node at `node` (serving `staticDir` too, when given); resolves with
 * `{ child, origin }` once it listens. It stops when `child` is killed or this process's end closes its stdin.
 */
export function startServer(node, staticDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [join(bench, 'server.mjs'), ...(staticDir ? ['--static', staticDir] : [])], {
      cwd: join(bench, '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    child.stdout.once('data', (data) => resolve({ child, origin: `http://127.0.0.1:${String(data).trim()}` }))
    child.once('error', reject)
  })
}
