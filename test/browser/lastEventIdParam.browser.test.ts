// lastEventIdParam in Chromium against the nginx + Nchan + Redis cluster (cross-origin, with CORS): the
// resume point as the query parameter Nchan reads (`last_event_id`) needs no CORS preflight, where the
// `Last-Event-ID` header needs one. Each resume is a cut: reconnect() drops the connection, and the next
// request is held back (the stream's `fetch` waits for the test) until messages were published meanwhile,
// so the resumed request must replay them. Chromium reports preflights only through the DevTools protocol:
// the `preflights` command counts them, per channel.
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { commands } from 'vitest/browser'
import { createEventStream, type EventStream } from '../../src/index'

type Events = { chat: { n: number } }

/** One request the stream sent, as its `fetch` saw it. */
interface SentRequest {
  lastEventIdParam: string | null
  lastEventIdHeader: string | null
}

let streams: EventStream<Events>[] = []
afterEach(() => {
  for (const stream of streams) stream.close()
  streams = []
})

/** A stream whose next request waits while `hold()` is in force, and that logs what each request sent. */
function heldStream(url: string, lastEventIdParam: string | undefined) {
  const sent: SentRequest[] = []
  let held: { promise: Promise<void>; release: () => void } | undefined
  const stream = createEventStream<Events>(url, {
    retry: { initialDelay: 100, jitter: false },
    ...(lastEventIdParam === undefined ? {} : { lastEventIdParam }),
    async fetch(input, init) {
      await held?.promise
      const request = new Request(input, init)
      sent.push({
        lastEventIdParam: new URL(request.url).searchParams.get('last_event_id'),
        lastEventIdHeader: request.headers.get('last-event-id'),
      })
      return fetch(input, init)
    },
  })
  streams.push(stream)
  const received: { n: number; id: string }[] = []
  stream.on('chat', (data, event) => received.push({ n: data.n, id: event.id }))
  return {
    stream,
    sent,
    received,
    hold() {
      let release = () => {}
      const promise = new Promise<void>((resolve) => {
        release = resolve
      })
      held = { promise, release }
    },
    release() {
      held?.release()
      held = undefined
    },
  }
}

const wait = { timeout: 5000, interval: 20 }

/**
 * Opens a stream on node A, receives 2 messages, then resumes `resumes` times after a cut with 2 messages
 * published while it was away (from node B) and 1 live message after it. Returns what it received, what
 * it sent, the published messages and the preflights Chromium sent for the channel.
 */
async function resumeAcrossCuts(mode: 'param' | 'header', resumes: number) {
  const { a, b } = inject('nchan')
  await commands.recordPreflights()
  const channel = `resume-${mode}-${crypto.randomUUID()}`
  const url = `${a}/sub/${channel}`
  expect(new URL(url).origin).not.toBe(location.origin)
  const client = heldStream(url, mode === 'param' ? 'last_event_id' : undefined)
  const published: { n: number; id: string }[] = []
  let n = 0
  const publish = async (node: string) => {
    n++
    published.push({ n, id: await commands.nchanPublish(node, channel, 'chat', { n }) })
  }
  await vi.waitFor(() => expect(client.stream.state.status).toBe('open'), wait)
  await commands.nchanWaitForSubscribers(a, channel, 1)
  await publish(a)
  await publish(b)
  await vi.waitFor(() => expect(client.received).toHaveLength(2), wait)

  const resumedAfter: string[] = []
  for (let round = 0; round < resumes; round++) {
    resumedAfter.push(client.stream.state.lastEventId)
    client.hold()
    client.stream.reconnect()
    await vi.waitFor(async () => expect(await commands.nchanSubscribers(a, channel)).toBe(0), wait)
    await publish(b) // missed: the stream is away
    await publish(a)
    client.release()
    await vi.waitFor(() => expect(client.received).toHaveLength(n), wait)
    await commands.nchanWaitForSubscribers(a, channel, 1)
    await publish(b) // live, after the replay: anything replayed twice would come before it
    await vi.waitFor(() => expect(client.received).toHaveLength(n), wait)
  }
  expect(client.stream.state).toMatchObject({ status: 'open', lastEventId: published.at(-1)?.id })
  return {
    received: client.received,
    published,
    sent: client.sent,
    resumedAfter,
    preflights: await commands.preflights(channel),
  }
}

describe('lastEventIdParam against Nchan in Chromium', () => {
  it("with 'last_event_id', 3 resumes after cuts make no CORS preflight and replay exactly the missed messages", async () => {
    const { received, published, sent, resumedAfter, preflights } = await resumeAcrossCuts('param', 3)
    expect(preflights).toEqual([])
    expect(received).toEqual(published)
    expect(sent).toEqual([
      { lastEventIdParam: null, lastEventIdHeader: null },
      ...resumedAfter.map((id) => ({ lastEventIdParam: id, lastEventIdHeader: null })),
    ])
    console.log(`lastEventIdParam: ${resumedAfter.length} resumes, ${preflights.length} preflights`)
  })

  it('with the Last-Event-ID header, every resume pays one CORS preflight', async () => {
    const { received, published, sent, resumedAfter, preflights } = await resumeAcrossCuts('header', 3)
    expect(received).toEqual(published)
    expect(sent).toEqual([
      { lastEventIdParam: null, lastEventIdHeader: null },
      ...resumedAfter.map((id) => ({ lastEventIdParam: null, lastEventIdHeader: id })),
    ])
    console.log(`Last-Event-ID header: ${resumedAfter.length} resumes, ${preflights.length} preflights`)
    // The first request sends no Last-Event-ID and needs none. Chromium asks again before every resume,
    // although the cluster's answer allows caching it for 600 s (Access-Control-Max-Age).
    expect(preflights).toHaveLength(resumedAfter.length)
    for (const preflight of preflights) {
      expect(preflight).toMatchObject({ requestHeaders: 'last-event-id', status: 204 })
      expect(preflight.allowHeaders?.toLowerCase()).toContain('last-event-id')
    }
  })
})
