import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventStream, type EventStreamErrorCode, type StreamStatus } from '../../src/index'
import { until } from '../helpers/until'
import {
  channelName,
  cluster,
  ensureCluster,
  nodePid,
  publish,
  sleep,
  subscriberCount,
  waitForSubscribers,
} from './cluster'
import { type FailoverProxy, startFailoverProxy } from './failoverProxy'

type Events = { tick: { seq: number }; tock: { seq: number } }

const TOTAL = 2000
const KILL_AT = 1000

let proxy: FailoverProxy | undefined
beforeAll(() => ensureCluster(cluster().pingInterval))
afterAll(async () => {
  await proxy?.close()
  await ensureCluster(cluster().pingInterval) // bring node A back for the files after this one
})

describe('failover between Nchan nodes', () => {
  it(`loses and repeats nothing when node A is killed (kill -9) in the middle of ${TOTAL} events: the client resumes on node B`, async () => {
    const { a, b } = cluster()
    const channel = channelName('failover')
    proxy = await startFailoverProxy([a, b])
    // The resume point the client starts from, as a page would render it: no race with the first message.
    const startId = await publish(b, channel, 'tick', { seq: -1 })

    const received: { seq: number; id: string; type: string; at: number }[] = []
    const errors: EventStreamErrorCode[] = []
    const statuses: { status: StreamStatus; at: number }[] = []
    const stream = createEventStream<Events>(`${proxy.url}/sub/${channel}`, {
      lastEventId: startId,
      retry: { initialDelay: 100, jitter: false },
    })
    stream.onAny((event) =>
      received.push({ seq: event.data.seq, id: event.id, type: event.type, at: performance.now() }),
    )
    stream.onError((error) => errors.push(error.code))
    let lastIdAtDisconnect = ''
    stream.onState((state) => {
      if (statuses.at(-1)?.status === state.status) return
      statuses.push({ status: state.status, at: performance.now() })
      if (state.status === 'reconnecting') lastIdAtDisconnect = state.lastEventId
    })

    const ids: string[] = []
    const publishedAt: number[] = []
    let slowestPublish = 0
    let killedAt = 0
    let receivedBeforeKill = 0
    try {
      await until(() => stream.state.status === 'open', 3000)
      await waitForSubscribers(b, channel)
      const publishStart = performance.now()
      for (let seq = 0; seq < TOTAL; seq++) {
        if (seq === KILL_AT) {
          receivedBeforeKill = received.length
          // `kill -9 -- -PID`: the nginx master and its worker (one process group) die at once.
          process.kill(-(await nodePid('a')), 'SIGKILL')
          killedAt = performance.now()
        }
        const before = performance.now()
        ids.push(await publish(b, channel, seq % 2 === 0 ? 'tick' : 'tock', { seq }))
        publishedAt.push(performance.now())
        slowestPublish = Math.max(slowestPublish, performance.now() - before)
      }
      const publishSeconds = (performance.now() - publishStart) / 1000
      await until(() => received.length >= TOTAL, 15_000)
      await sleep(200) // time for a stray duplicate to show up

      const seqs = received.map((event) => event.seq)
      const unique = new Set(seqs)
      const lost = TOTAL - unique.size
      const duplicated = seqs.length - unique.size
      const outOfOrder = seqs.filter((seq, i) => i > 0 && seq <= (seqs[i - 1] ?? -1)).length
      const reopened = statuses.find((entry) => entry.at > killedAt && entry.status === 'open')
      const firstAfter = received.find((event) => event.at > killedAt && event.seq >= receivedBeforeKill)
      const worstDelay = Math.max(...received.map((event) => event.at - (publishedAt[event.seq] ?? event.at)))
      console.log(
        `[nchan] failover: ${TOTAL} events in ${publishSeconds.toFixed(1)} s, node A killed after ${receivedBeforeKill} ` +
          `received; lost ${lost}, duplicated ${duplicated}, out of order ${outOfOrder}; open on B ` +
          `${((reopened?.at ?? Number.NaN) - killedAt).toFixed(0)} ms after the kill (retry delay 100 ms), first ` +
          `resumed event after ${((firstAfter?.at ?? Number.NaN) - killedAt).toFixed(0)} ms, worst publish-to-receive ` +
          `delay ${worstDelay.toFixed(0)} ms (slowest publish ${slowestPublish.toFixed(0)} ms)`,
      )

      expect(receivedBeforeKill).toBeGreaterThan(0)
      expect(lastIdAtDisconnect).toBe(ids[received.findLastIndex((event) => event.at < (reopened?.at ?? 0))])
      expect({ lost, duplicated, outOfOrder }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 })
      expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, seq) => seq))
      expect(received.map((event) => event.id)).toEqual(ids)
      expect(received.map((event) => event.type)).toEqual(
        ids.map((_, seq) => (seq % 2 === 0 ? 'tick' : 'tock')),
      )
      // One request to A; after the kill, one to B carrying the last id received from A.
      expect(proxy.requests.map(({ target, lastEventId }) => ({ target, lastEventId }))).toEqual([
        { target: a, lastEventId: startId },
        { target: b, lastEventId: lastIdAtDisconnect },
      ])
      // Nchan's streams are delimited by closing the connection (no chunked encoding), so a node that dies
      // looks like a stream that ended: no error, a plain reconnect after the retry delay.
      expect(errors).toEqual([])
      expect(statuses.map((entry) => entry.status)).toEqual(['open', 'reconnecting', 'open'])
    } finally {
      stream.close()
    }

    // start.sh brings node A back, and A serves the same channel and buffer again.
    const killedPid = await nodePid('a').catch(() => 0)
    await ensureCluster(cluster().pingInterval)
    expect(await nodePid('a')).not.toBe(killedPid)
    const tail: number[] = []
    const again = createEventStream<Events>(`${a}/sub/${channel}`, { lastEventId: ids[TOTAL - 3] ?? '' })
    again.onAny((event) => tail.push(event.data.seq))
    try {
      await until(() => tail.length === 2, 3000)
      expect(tail).toEqual([TOTAL - 2, TOTAL - 1])
      expect(await subscriberCount(a, channel)).toBeGreaterThanOrEqual(1)
    } finally {
      again.close()
    }
  })
})
