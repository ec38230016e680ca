/**
 * The server of the cross-tab tests, on 127.0.0.1 with a random port: the test page (`/`, `/page.js`)
 * and its event streams on one origin, so that Chromium's limit of 6 HTTP/1.1 connections per origin
 * applies to all of it, and so that the page's `x-tab` request header needs no CORS preflight.
 *
 * `/stream/<topic>` streams the topic's events: numbered from 1, `id: n`, data `{"n":n}`, every third one
 * named `tick`. A request with `Last-Event-ID: n` first gets the events after `n` again; one without gets
 * only events published from then on. Every request is logged with the page's tab name (`x-tab`).
 */
import { createServer, type ServerResponse } from 'node:http'
import { type LoopbackServer, listenOnLoopback } from '../listenOnLoopback'

/** One request for a topic, as the server saw it. */
export interface TopicRequest {
  /** The requesting page's `x-tab` header. */
  tab: string
  lastEventId: string
  /** The request's other headers that the tests set (`x-user`). */
  user: string
  /** `performance.now()` when the request arrived. */
  time: number
  /** Whether the connection has closed. */
  closed: boolean
}

export interface TabsServer extends LoopbackServer {
  /** The requests for `topic`, in order of arrival. */
  requests(topic: string): readonly TopicRequest[]
  /** How many connections for `topic` are open now. */
  openConnections(topic: string): number
  /** Publishes the next event of `topic` to its open connections; returns its number. */
  publish(topic: string): number
  /** Publishes an event of `topic` every `interval` ms until the returned function is called. */
  publishEvery(topic: string, interval: number): () => void
  /** The number of the last event published on `topic` (0 before the first). */
  published(topic: string): number
}

interface Topic {
  frames: string[]
  clients: Set<ServerResponse>
  requests: TopicRequest[]
}

/** The wire text of event `n`. */
export function frame(n: number): string {
  return `${n % 3 === 0 ? 'event: tick\n' : ''}id: ${n}\ndata: {"n":${n}}\n\n`
}

/** What the page records for event `n`: `type/id/raw`. */
export function expectedEvent(n: number): string {
  return `${n % 3 === 0 ? 'tick' : 'message'}/${n}/{"n":${n}}`
}

export async function startTabsServer(page: { html: string; script: string }): Promise<TabsServer> {
  const topics = new Map<string, Topic>()
  const timers = new Set<ReturnType<typeof setInterval>>()
  const topic = (name: string): Topic => {
    let entry = topics.get(name)
    if (!entry) {
      entry = { frames: [], clients: new Set(), requests: [] }
      topics.set(name, entry)
    }
    return entry
  }

  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(page.html)
      return
    }
    if (pathname === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(page.script)
      return
    }
    const name = /^\/stream\/([\w-]+)$/.exec(pathname)?.[1]
    if (!name) {
      response.writeHead(pathname === '/favicon.ico' ? 204 : 404).end()
      return
    }
    const entry = topic(name)
    const header = (key: string) => String(request.headers[key] ?? '')
    const logged: TopicRequest = {
      tab: header('x-tab'),
      lastEventId: header('last-event-id'),
      user: header('x-user'),
      time: performance.now(),
      closed: false,
    }
    entry.requests.push(logged)
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
    const after = Number.parseInt(logged.lastEventId, 10)
    response.write(Number.isNaN(after) ? ':\n\n' : entry.frames.slice(after).join('') || ':\n\n')
    entry.clients.add(response)
    response.on('close', () => {
      logged.closed = true
      entry.clients.delete(response)
    })
  })
  const loopback = await listenOnLoopback(server)

  function publish(name: string): number {
    const entry = topic(name)
    const text = frame(entry.frames.length + 1)
    entry.frames.push(text)
    for (const client of entry.clients) client.write(text)
    return entry.frames.length
  }

  return {
    origin: loopback.origin,
    requests: (name) => topic(name).requests,
    openConnections: (name) => topic(name).clients.size,
    publish,
    publishEvery(name, interval) {
      const timer = setInterval(() => publish(name), interval)
      timers.add(timer)
      return () => {
        clearInterval(timer)
        timers.delete(timer)
      }
    },
    published: (name) => topic(name).frames.length,
    async stop() {
      for (const timer of timers) clearInterval(timer)
      await loopback.stop()
    },
  }
}
