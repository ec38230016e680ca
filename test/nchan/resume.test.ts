import { beforeAll, describe, expect, it } from 'vitest'
import { type AnyStreamEvent, createEventStream } from '../../src/index'
import { until } from '../helpers/until'
import { channelName, cluster, ensureCluster, publish, tapFetch, waitForSubscribers } from './cluster'

type Events = { step: { n: number }; note: { text: string } }

beforeAll(() => ensureCluster(cluster().pingInterval))

describe('resuming from Nchan with Last-Event-ID', () => {
  it.each(['a', 'b'] as const)(
    'a new stream on node %s with lastEventId gets exactly the events missed since close(), then live ones',
    async (resumeOn) => {
      const { a } = cluster()
      const node = cluster()[resumeOn]
      const channel = channelName('resume')
      const seen: AnyStreamEvent<Events>[] = []
      const first = createEventStream<Events>(`${a}/sub/${channel}`)
      first.onAny((event) => seen.push(event))
      const ids: string[] = []
      try {
        await waitForSubscribers(a, channel)
        for (let n = 0; n < 3; n++) ids.push(await publish(a, channel, 'step', { n }))
        await until(() => seen.length === 3, 3000)
      } finally {
        first.close()
      }
      const lastSeen = first.state.lastEventId
      expect(lastSeen).toBe(ids[2])

      // Published while nobody listens.
      for (let n = 3; n < 7; n++) ids.push(await publish(a, channel, 'step', { n }))

      const tap = tapFetch()
      const resumed: AnyStreamEvent<Events>[] = []
      const second = createEventStream<Events>(`${node}/sub/${channel}`, {
        lastEventId: lastSeen,
        fetch: tap.fetch,
      })
      second.onAny((event) => resumed.push(event))
      try {
        await until(() => resumed.length === 4, 3000)
        // A live event after the replay marks the end: anything replayed twice would come before it.
        ids.push(await publish(a, channel, 'note', { text: 'live' }))
        await until(() => resumed.length >= 5, 3000)

        expect(tap.requests.map((request) => request.lastEventId)).toEqual([lastSeen])
        expect(resumed.map(({ type, data, id }) => ({ type, data, id }))).toEqual([
          ...[3, 4, 5, 6].map((n) => ({ type: 'step', data: { n }, id: ids[n] })),
          { type: 'note', data: { text: 'live' }, id: ids[7] },
        ])
        expect(seen).toHaveLength(3)
      } finally {
        second.close()
      }
    },
  )
})
