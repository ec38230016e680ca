/**
 * Global setup of the `nchan` vitest project (and of the browser tier's nchan tests): starts the two-node
 * nginx + Nchan + Redis cluster of the scale-out recipe with deploy/nchan/start.sh (which installs the Debian
 * packages when they are missing) on free ports, in a working directory of its own under .nchan/, and stops
 * it when the run ends.
 */
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import {
  freePorts,
  type NchanCluster,
  repoRoot,
  scriptsDir,
  sleep,
  startCluster,
  stopCluster,
} from './cluster'

/** The `:ping` interval the tier runs with; tests that change it restore it. */
const PING_INTERVAL = 1

/** The line of start.sh's output that says what went wrong: its own `start.sh: …` message, else the last line. */
function causeOf(output: string): string {
  const lines = output.trim().split('\n')
  return lines.findLast((line) => line.startsWith('start.sh: ')) ?? lines.at(-1) ?? 'no output'
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A directory and ports per run, so that two runs on one machine never share or stop each other's cluster.
  const workdir = path.join(repoRoot, '.nchan', `run-${process.pid}`)
  const ports = (await freePorts(3)) as [number, number, number]
  const started = Date.now()
  console.log(
    '[nchan] starting the cluster (start.sh installs the Debian packages it needs when they are missing)',
  )
  for (let attempt = 1; ; attempt++) {
    try {
      await startCluster(workdir, ports, PING_INTERVAL)
      break
    } catch (error) {
      const output = (error as { output?: string }).output || String(error)
      // Another apt-get holds the dpkg lock (e.g. a browser install running at the same time): wait for it.
      if (/Could not get lock|dpkg frontend lock/.test(output) && attempt < 60) {
        await sleep(5000)
        continue
      }
      await stopCluster(workdir).catch(() => {})
      const script = path.relative(repoRoot, path.join(scriptsDir, 'start.sh'))
      const cause = causeOf(output)
      // Printed here, before vitest's own report of the failed setup (which begins "No test files found").
      console.error(
        `[nchan] ${cause}\n[nchan] The nchan tier (and the browser tier's nchan tests) need the cluster of ` +
          `${script}, which did not start for the reason above. Its full output:\n${output.trim()}\n`,
      )
      throw new Error(`The nchan cluster did not start: ${cause}`)
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  console.log(
    `[nchan] cluster up in ${seconds} s: A :${ports[0]}, B :${ports[1]}, redis :${ports[2]} (${workdir})`,
  )

  const cluster: NchanCluster = {
    workdir,
    ports,
    a: `http://127.0.0.1:${ports[0]}`,
    b: `http://127.0.0.1:${ports[1]}`,
    pingInterval: PING_INTERVAL,
  }
  project.provide('nchan', cluster)

  return async () => {
    await stopCluster(workdir)
    if (!process.env.KEEP_NCHAN_WORKDIR) await rm(workdir, { recursive: true, force: true })
  }
}
