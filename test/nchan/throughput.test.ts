import { beforeAll, describe, expect, it } from 'vitest'
import { createEventStream } from '../../src/index'
import { until } from '../helpers/until'
import { channelName, cluster, ensureCluster, publish, waitForSubscribers } from './cluster'

type Events = { tick: { seq: number } }

const TOTAL = 3000

beforeAll(() => ensureCluster(cluster().pingInterval))

describe('throughput through the Nchan cluster', () => {
  it.each([1, 8])(
    `delivers all ${TOTAL} events published on node A over %i connection(s) to a client on node B`,
    async (connections) => {
      const { a, b } = cluster()
      const channel = channelName('throughput')
      const startId = await publish(a, channel, 'tick', { seq: -1 })
      const seqs: number[] = []
      let lastAt = 0
      const stream = createEventStream<Events>(`${b}/sub/${channel}`, { lastEventId: startId })
      stream.on('tick', (data) => {
        seqs.push(data.seq)
        lastAt = performance.now()
      })
      try {
        await until(() => stream.state.status === 'open', 3000)
        await waitForSubscribers(b, channel)
        let next = 0
        const started = performance.now()
        await Promise.all(
          Array.from({ length: connections }, async () => {
            while (next < TOTAL) {
              const seq = next++
              await publish(a, channel, 'tick', { seq })
            }
          }),
        )
        const published = performance.now()
        await until(() => seqs.length >= TOTAL, 20_000)
        const seconds = (lastAt - started) / 1000
        console.log(
          `[nchan] throughput, ${connections} publishing connection(s): ${TOTAL} events received on B in ` +
            `${seconds.toFixed(2)} s = ${Math.round(TOTAL / seconds)} events/s (last one ` +
            `${(lastAt - published).toFixed(0)} ms after the last publish returned)`,
        )

        expect(new Set(seqs).size).toBe(TOTAL)
        expect(seqs).toHaveLength(TOTAL)
        if (connections === 1) expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, seq) => seq))
        else expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: TOTAL }, (_, seq) => seq))
      } finally {
        stream.close()
      }
    },
  )
})
