// vitest browser commands (they run in Node) for the browser tests against the nginx + Nchan cluster of the
// `nchan` global setup. The page cannot publish itself: Nchan's publisher CORS allows only Content-Type, not
// `X-EventSource-Event`.
import type { CDPSession } from 'playwright'
import type { BrowserCommand, TestProject } from 'vitest/node'
import { publish, subscriberCount, waitForSubscribers } from '../nchan/cluster.ts'

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** `POST /pub/<channel>` on a node of the cluster, the data as JSON; resolves with Nchan's message id. */
    nchanPublish: (node: string, channel: string, type: string, data: unknown) => Promise<string>
    /** How many subscribers the channel has (counted in redis, so any node can tell). */
    nchanSubscribers: (node: string, channel: string) => Promise<number>
    /** Waits until the channel has `count` subscribers, and until Nchan routes messages to them. */
    nchanWaitForSubscribers: (node: string, channel: string, count: number) => Promise<void>
    /** Starts recording the CORS preflights the page sends (idempotent). */
    recordPreflights: () => Promise<void>
    /** The preflights recorded for URLs containing `fragment`, in the order they were sent. */
    preflights: (fragment: string) => Promise<Preflight[]>
  }
}

/** A CORS preflight Chromium sent, and its answer, as the DevTools protocol reports them. */
export interface Preflight {
  url: string
  /** `Access-Control-Request-Headers` of the preflight. */
  requestHeaders: string
  /** The answer's status and `Access-Control-Allow-Headers`; missing until it came. */
  status?: number
  allowHeaders?: string
}

/** Commands take input from the page: only the cluster's own nodes, and channel/event names Nchan allows. */
function checked(project: TestProject, node: string, ...names: string[]): string {
  const { a, b } = project.getProvidedContext().nchan
  if (node !== a && node !== b) throw new Error(`not a node of the test cluster: ${node}`)
  for (const name of names) {
    if (!/^[\w-]{1,100}$/.test(name)) throw new Error(`not a channel or event name: ${name}`)
  }
  return node
}

const nchanPublish: BrowserCommand<[node: string, channel: string, type: string, data: unknown]> = (
  { project },
  node,
  channel,
  type,
  data,
) => publish(checked(project, node, channel, type), channel, type, data)

const nchanSubscribers: BrowserCommand<[node: string, channel: string]> = ({ project }, node, channel) =>
  subscriberCount(checked(project, node, channel), channel)

const nchanWaitForSubscribers: BrowserCommand<[node: string, channel: string, count: number]> = (
  { project },
  node,
  channel,
  count,
) => waitForSubscribers(checked(project, node, channel), channel, count)

/**
 * Preflights by browser session. Chromium reports them through the DevTools protocol only (not as
 * playwright requests); vitest's in-page `cdp()` did not pass `Network.requestWillBeSent` on to the page here,
 * so the session is opened on the Node side.
 */
const recorders = new Map<string, { session: CDPSession; preflights: Map<string, Preflight> }>()

const header = (headers: Record<string, unknown>, name: string): string =>
  String(Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? '')

const recordPreflights: BrowserCommand<[]> = async (context) => {
  if (context.provider.name !== 'playwright')
    throw new Error('recordPreflights needs the playwright provider')
  if (recorders.has(context.sessionId)) return
  const session = await context.page.context().newCDPSession(context.page)
  const preflights = new Map<string, Preflight>()
  recorders.set(context.sessionId, { session, preflights })
  session.on('Network.requestWillBeSent', ({ requestId, request }) => {
    if (request.method !== 'OPTIONS') return
    const requestHeaders = header(request.headers, 'access-control-request-headers')
    preflights.set(requestId, { url: request.url, requestHeaders })
  })
  session.on('Network.responseReceived', ({ requestId, response }) => {
    const preflight = preflights.get(requestId)
    if (!preflight) return
    preflight.status = response.status
    preflight.allowHeaders = header(response.headers, 'access-control-allow-headers')
  })
  await session.send('Network.enable')
}

const preflights: BrowserCommand<[fragment: string]> = (context, fragment) =>
  [...(recorders.get(context.sessionId)?.preflights.values() ?? [])].filter((preflight) =>
    preflight.url.includes(fragment),
  )

export const nchanCommands = {
  nchanPublish,
  nchanSubscribers,
  nchanWaitForSubscribers,
  recordPreflights,
  preflights,
}
