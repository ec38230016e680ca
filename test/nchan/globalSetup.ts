/**
 * Global setup of the `nchan` vitest project: starts the two-node nginx + Nchan + Redis cluster of
 * ../shared/nchan (start.sh installs the Debian packages when they are missing) on free ports, in a
 * working directory of its own under .nchan/, and stops it when the run ends.
 */
import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import {
  freePorts,
  type NchanCluster,
  PACKAGES,
  repoRoot,
  scriptsDir,
  sleep,
  startCluster,
  stopCluster,
} from './cluster'

/** The `:ping` interval the tier runs with; tests that change it restore it. */
const PING_INTERVAL = 1

/** start.sh also needs ps (procps), curl and setsid (util-linux), which minimal images may lack. */
async function requireTools(): Promise<void> {
  const missing: string[] = []
  for (const [tool, pkg] of [
    ['ps', 'procps'],
    ['curl', 'curl'],
    ['setsid', 'util-linux'],
  ] as const) {
    const found = await new Promise<boolean>((resolve) =>
      execFile('bash', ['-c', `command -v ${tool}`], (error) => resolve(!error)),
    )
    if (!found) missing.push(`${tool} (Debian package ${pkg})`)
  }
  if (missing.length > 0) {
    throw new Error(
      `The nchan test tier needs ${missing.join(', ')} to run ${scriptsDir}/start.sh, which installs ${PACKAGES}.`,
    )
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A directory and ports per run, so that two runs on one machine never share or stop each other's cluster.
  const workdir = path.join(repoRoot, '.nchan', `run-${process.pid}`)
  const ports = (await freePorts(3)) as [number, number, number]
  await requireTools()
  const started = Date.now()
  console.log('[nchan] starting the cluster (the first run installs the Debian packages)')
  let output = ''
  for (let attempt = 1; ; attempt++) {
    try {
      output = await startCluster(workdir, ports, PING_INTERVAL)
      break
    } catch (error) {
      output = (error as { output?: string }).output ?? String(error)
      // Another apt-get holds the dpkg lock (e.g. a browser install running at the same time): wait for it.
      if (/Could not get lock|dpkg frontend lock/.test(output) && attempt < 60) {
        await sleep(5000)
        continue
      }
      await stopCluster(workdir).catch(() => {})
      throw new Error(
        `The nchan test tier could not start its nginx + Nchan + Redis cluster with ${scriptsDir}/start.sh. ` +
          `It needs the Debian packages ${PACKAGES} (start.sh installs them with apt-get as root or with ` +
          `passwordless sudo; otherwise run: sudo apt-get install -y nginx libnginx-mod-nchan redis-server). ` +
          `Logs: ${workdir}/*/logs/error.log, ${workdir}/redis/redis.log. start.sh said:\n${output.trim()}`,
      )
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
