/**
 * The local nginx + Nchan + Redis cluster of the scale-out recipe (deploy/nchan), as the nchan test tier uses
 * it: start and stop it with the recipe's own scripts, publish to it, watch its channels, and record the raw
 * bytes a client receives from it.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { Agent, request as httpRequest } from 'node:http'
import { connect, createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'

/** What the global setup hands to every test file. */
export interface NchanCluster {
  /** start.sh's WORKDIR: configs, pid files, logs, cluster.json. */
  workdir: string
  /** Ports of node A, node B and redis, in start.sh's argument order. */
  ports: [number, number, number]
  a: string
  b: string
  /** Seconds between `:ping` comments the nodes were started with. */
  pingInterval: number
}

declare module 'vitest' {
  export interface ProvidedContext {
    nchan: NchanCluster
  }
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** The recipe's start.sh, stop.sh and nginx.conf.template. */
export const scriptsDir = path.join(repoRoot, 'deploy/nchan')

/** The cluster of this test run (from the global setup). */
export function cluster(): NchanCluster {
  return inject('nchan')
}

/** Runs a script of deploy/nchan; rejects with its output when it fails. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [path.join(scriptsDir, script), ...args],
      { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { output: `${stdout}${stderr}` }))
        else resolve(`${stdout}${stderr}`)
      },
    )
  })
}

/**
 * start.sh: installs the packages when missing, starts what is not running (a killed node comes back) and
 * reloads the nodes when `pingInterval` changed. Every call must pass the same ports.
 */
export function startCluster(
  workdir: string,
  ports: readonly number[],
  pingInterval: number,
): Promise<string> {
  return run('start.sh', [workdir, ...ports.map(String)], { NCHAN_PING_INTERVAL: String(pingInterval) })
}

export function stopCluster(workdir: string): Promise<string> {
  return run('stop.sh', [workdir])
}

/**
 * Makes sure both nodes run with `:ping` every `pingInterval` seconds (0 = off), and brings back a node
 * that was killed. To change the interval the nodes are killed and started afresh: start.sh would reload
 * them (SIGHUP) instead, and after such a reload Nchan 1.3.6's new workers crashed in a loop here
 * ("worker process … exited on signal 11"), so the nodes never became ready again.
 */
export async function ensureCluster(pingInterval: number): Promise<void> {
  const { workdir, ports } = cluster()
  const configured = await Promise.all(['a', 'b'].map((name) => configuredPingInterval(workdir, name)))
  if (configured.some((seconds) => seconds !== pingInterval)) {
    await Promise.all([killNode('a', ports[0]), killNode('b', ports[1])])
  }
  await startCluster(workdir, ports, pingInterval)
}

async function configuredPingInterval(workdir: string, name: string): Promise<number | undefined> {
  const config = await readFile(path.join(workdir, name, 'nginx.conf'), 'utf8').catch(() => '')
  const match = /nchan_eventsource_ping_interval (\d+);/.exec(config)
  return match ? Number(match[1]) : undefined
}

/** `kill -9 -- -PID` on a node (master and worker), then waits until its port refuses connections. */
async function killNode(name: 'a' | 'b', port: number): Promise<void> {
  const pid = await nodePid(name).catch(() => undefined)
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // already gone
  }
  await waitUntil(async () => !(await portOpen(port)), 5000, `node ${name} to stop`)
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** The pid of node `name`'s nginx master, read from its pid file now (a restart changes it). */
export async function nodePid(name: 'a' | 'b'): Promise<number> {
  const pid = Number((await readFile(path.join(cluster().workdir, name, 'nginx.pid'), 'utf8')).trim())
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`bad pid file for node ${name}`)
  return pid
}

/** `count` distinct free TCP ports on 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer())
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject)
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port))
        }),
    ),
  )
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  return ports
}

/** A fresh channel name (letters, digits, `-`, as the template allows). */
export function channelName(prefix = 't'): string {
  return `${prefix}-${randomUUID()}`
}

/** Keep-alive connections for publishing (node:http: about 3x the rate of `fetch` per publish here). */
const publishAgent = new Agent({ keepAlive: true, maxSockets: 8 })

/** A request on the publishing agent; resolves with the status and body. */
function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
  retried = false,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, agent: publishAgent }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        text += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
      response.on('error', reject)
    })
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // A pooled connection the server closed meanwhile (Node's documented keep-alive retry).
      if (outgoing.reusedSocket && error.code === 'ECONNRESET' && !retried)
        resolve(request(url, method, headers, body, true))
      else reject(error)
    })
    outgoing.end(body)
  })
}

/**
 * `POST /pub/<channel>` with `X-EventSource-Event` (none for `message`), the data as JSON.
 * @returns the message id Nchan assigned (an opaque string such as `1795641787:0`)
 */
export async function publish(node: string, channel: string, type: string, data: unknown): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (type !== 'message') headers['x-eventsource-event'] = type
  const { status, text } = await request(`${node}/pub/${channel}`, 'POST', headers, JSON.stringify(data))
  if (status !== 201 && status !== 202)
    throw new Error(`publish to ${node}/pub/${channel} failed: HTTP ${status} ${text}`)
  return (JSON.parse(text) as { last_message_id: string }).last_message_id
}

/** Channel info from `GET /pub/<channel>`; 0 subscribers when the channel does not exist yet. */
export async function subscriberCount(node: string, channel: string): Promise<number> {
  const { status, text } = await request(`${node}/pub/${channel}`, 'GET', { accept: 'application/json' })
  if (status === 404) return 0
  if (status !== 200) throw new Error(`GET ${node}/pub/${channel}: HTTP ${status} ${text}`)
  return (JSON.parse(text) as { subscribers: number }).subscribers
}

/**
 * Waits until the channel has `count` subscribers (the count lives in redis, so any node can tell), then a
 * little longer: Nchan with Redis counts a new subscriber before its node listens to the channel, and a
 * message published on another node within ~20 ms of that can miss the subscriber (measured: 8 of 400).
 */
export async function waitForSubscribers(node: string, channel: string, count = 1): Promise<void> {
  await waitUntil(
    async () => (await subscriberCount(node, channel)) >= count,
    5000,
    `${count} subscriber(s) on ${channel}`,
  )
  await sleep(100)
}

/** Polls an async condition every 10 ms; fails with `what` after `timeout` ms. */
export async function waitUntil(
  condition: () => Promise<boolean>,
  timeout: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`)
    await sleep(10)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A `fetch` that records every request and the raw text of every response body as the client reads it. */
export function tapFetch(): {
  fetch: typeof fetch
  requests: { lastEventId: string; url: string }[]
  /** The raw text of each response, by request. */
  bodies: string[]
} {
  const requests: { lastEventId: string; url: string }[] = []
  const bodies: string[] = []
  const tapped: typeof fetch = async (input, init) => {
    const index = requests.length
    requests.push({ url: String(input), lastEventId: new Headers(init?.headers).get('last-event-id') ?? '' })
    bodies.push('')
    const response = await fetch(input, init)
    if (!response.body) return response
    const decoder = new TextDecoder()
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bodies[index] += decoder.decode(chunk, { stream: true })
          controller.enqueue(chunk)
        },
      }),
    )
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }
  return { fetch: tapped, requests, bodies }
}
