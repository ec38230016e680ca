// Why not test/helpers/sseServer.ts: that server scripts each answer to one client in Node, over a fixed
// list of events, down to the byte (cut, end, stall, pace, chunks, a reply, a held request). This one
// publishes live to many pages at once: it serves the page too, publishes on topics while the test drives
// the tabs, gives a request that does not resume only what is published from then on, and counts the open
// connections per topic. They share the `id: n` frame (`defaultFrame`) and nothing else, so they stay two.
// (The browser-mode tier has a third, test/browser/sseServer.ts, that the page steers by query string.)

/**
 * The server of the e2e tests that bundle a page from source (cross-tab and page-lifecycle), on 127.0.0.1
 * with a random port: the test page (`/`, `/page.js`), its event streams and its reports on one origin, so
 * that Chromium's limit of 6 HTTP/1.1 connections per origin applies to all of it and the page's own
 * request headers need no CORS preflight.
 *
 * `/stream/<topic>` streams the topic's events, numbered from 1 (`frame(n)` is the wire text of event
 * `n`). A request that resumes (`Last-Event-ID: n`, or `?last_event_id=n`) first gets the events after `n`
 * again; one that does not gets only the events published from then on. Every request is logged with the
 * page that sent it (`x-page`). `POST /report` takes what a page saw before it went away (its `pagehide`
 * beacon).
 */
import { createServer, type ServerResponse } from 'node:http'
import { defaultFrame } from '../helpers/sseServer'
import { type LoopbackServer, listenOnLoopback } from './listenOnLoopback'

/** One request for a topic, as the server saw it. */
export interface TopicRequest {
  /** The requesting page's `x-page` header. */
  page: string
  /** The `x-user` header that some tests set ('' when there was none). */
  user: string
  /** The `Last-Event-ID` header ('' when there was none). */
  lastEventId: string
  /** The `last_event_id` query parameter ('' when there was none). */
  lastEventIdParam: string
  /** `performance.now()` when it arrived, and when the connection closed. */
  time: number
  closedAt?: number
}

/** What a page sent on `pagehide`: the ids of the events it received, in order. */
export interface PageReport {
  page: string
  ids: number[]
  /** The stream's `state.lastEventId` at `pagehide`. */
  lastEventId: string
}

export interface TopicServer extends LoopbackServer {
  /** The requests for `topic`, in order of arrival. */
  requests(topic: string): readonly TopicRequest[]
  /** How many connections for `topic` are open now. */
  openConnections(topic: string): number
  /** Publishes the next event of `topic` to its open connections; returns its number. */
  publish(topic: string): number
  /** Publishes the next `count` events of `topic` in one write; returns the number of the last. */
  publishMany(topic: string, count: number): number
  /** Publishes an event of `topic` every `interval` ms until the returned function is called. */
  publishEvery(topic: string, interval: number): () => void
  /** The number of the last event published on `topic` (0 before the first). */
  published(topic: string): number
  reports(): readonly PageReport[]
}

interface Topic {
  frames: string[]
  clients: Set<ServerResponse>
  requests: TopicRequest[]
}

/** The test page: it only loads the bundled script. */
const html = '<!doctype html><title>typed-sse e2e</title><script type="module" src="/page.js"></script>'

/** Starts the server for the page that `script` (an ES module bundle) makes; `frame(n)` is event `n`'s text. */
export async function startTopicServer(
  script: string,
  frame: (n: number) => string = defaultFrame,
): Promise<TopicServer> {
  const topics = new Map<string, Topic>()
  const reports: PageReport[] = []
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
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(html)
      return
    }
    if (url.pathname === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      return
    }
    if (url.pathname === '/report' && request.method === 'POST') {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', (chunk: string) => {
        body += chunk
      })
      request.on('end', () => {
        reports.push(JSON.parse(body) as PageReport)
        response.writeHead(204).end()
      })
      return
    }
    const name = /^\/stream\/([\w-]+)$/.exec(url.pathname)?.[1]
    if (!name) {
      response.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end()
      return
    }
    const entry = topic(name)
    const header = (key: string) => String(request.headers[key] ?? '')
    const logged: TopicRequest = {
      page: header('x-page'),
      user: header('x-user'),
      lastEventId: header('last-event-id'),
      lastEventIdParam: url.searchParams.get('last_event_id') ?? '',
      time: performance.now(),
    }
    entry.requests.push(logged)
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
    const after = Number.parseInt(logged.lastEventId || logged.lastEventIdParam, 10)
    response.write(Number.isNaN(after) ? ':\n\n' : entry.frames.slice(after).join('') || ':\n\n')
    entry.clients.add(response)
    response.on('close', () => {
      logged.closedAt = performance.now()
      entry.clients.delete(response)
    })
  })
  const loopback = await listenOnLoopback(server)

  function publishMany(name: string, count: number): number {
    const entry = topic(name)
    let text = ''
    for (let i = 0; i < count; i++) {
      const next = frame(entry.frames.length + 1)
      entry.frames.push(next)
      text += next
    }
    for (const client of entry.clients) client.write(text)
    return entry.frames.length
  }
  const publish = (name: string) => publishMany(name, 1)

  return {
    origin: loopback.origin,
    requests: (name) => topic(name).requests,
    openConnections: (name) => topic(name).clients.size,
    publish,
    publishMany,
    publishEvery(name, interval) {
      const timer = setInterval(() => publish(name), interval)
      timers.add(timer)
      return () => {
        clearInterval(timer)
        timers.delete(timer)
      }
    },
    published: (name) => topic(name).frames.length,
    reports: () => reports,
    async stop() {
      for (const timer of timers) clearInterval(timer)
      await loopback.stop()
    },
  }
}
