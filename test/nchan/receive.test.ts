import { beforeAll, describe, expect, it } from 'vitest'
import { type AnyStreamEvent, createEventStream, type StreamStatus, subscribe } from '../../src/index'
import { until } from '../helpers/until'
import {
  channelName,
  cluster,
  ensureCluster,
  publish,
  subscriberCount,
  tapFetch,
  waitForSubscribers,
  waitUntil,
} from './cluster'

type Events = {
  greet: { name: string }
  score: { player: string; points: number }
  message: { text: string }
}

type Published = { type: keyof Events; data: Events[keyof Events]; id: string }

/** Publishes typed events in order; returns them with the ids Nchan assigned. */
async function publishAll(
  node: string,
  channel: string,
  events: Omit<Published, 'id'>[],
): Promise<Published[]> {
  const published: Published[] = []
  for (const event of events)
    published.push({ ...event, id: await publish(node, channel, event.type, event.data) })
  return published
}

const firstBatch: Omit<Published, 'id'>[] = [
  { type: 'greet', data: { name: 'Ada' } },
  { type: 'score', data: { player: 'Ada', points: 3 } },
  { type: 'message', data: { text: 'multi\nline' } },
]
const secondBatch: Omit<Published, 'id'>[] = [
  { type: 'score', data: { player: 'Bo', points: 5 } },
  { type: 'greet', data: { name: 'Bo' } },
  { type: 'message', data: { text: 'bye' } },
]

beforeAll(() => ensureCluster(cluster().pingInterval))

describe('typed-sse against nginx + Nchan', () => {
  it('createEventStream receives typed JSON events of several names in order, ids kept verbatim, comments and pings ignored', async () => {
    const { a } = cluster()
    const channel = channelName('receive')
    const tap = tapFetch()
    const stream = createEventStream<Events>(`${a}/sub/${channel}`, { fetch: tap.fetch })
    const received: AnyStreamEvent<Events>[] = []
    const points: number[] = []
    const errors: unknown[] = []
    stream.onAny((event) => received.push(event))
    stream.onError((error) => errors.push(error))
    stream.on('score', (data) => points.push(data.points))
    try {
      await waitForSubscribers(a, channel)
      const published = await publishAll(a, channel, firstBatch)
      // Let a `:ping` heartbeat pass between the two batches.
      const wire = () => tap.bodies[0] ?? ''
      await until(() => wire().lastIndexOf(':ping') > wire().lastIndexOf('data:'), 3000)
      published.push(...(await publishAll(a, channel, secondBatch)))
      await until(() => received.length >= published.length, 3000)

      expect(received.map(({ type, data, id }) => ({ type, data, id }))).toEqual(published)
      expect(points).toEqual([3, 5])
      expect(errors).toEqual([])
      for (const { id } of published) expect(id).toMatch(/^\d+:\d+$/)
      expect(stream.state).toMatchObject({ status: 'open', lastEventId: published.at(-1)?.id })
      expect(wire().startsWith(': hi\n')).toBe(true)
      expect(wire()).toContain('\n:ping\n')
      expect(wire()).toContain('data: {"text":"multi\\nline"}') // JSON keeps a body on one line
      expect(tap.requests).toHaveLength(1)
    } finally {
      stream.close()
    }
  })

  it('subscribe() calls handlers by event name, and two subscriptions to one channel are one Nchan subscriber', async () => {
    const { a } = cluster()
    const channel = channelName('subscribe')
    const url = `${a}/sub/${channel}`
    const first: string[] = []
    const second: string[] = []
    const statuses: StreamStatus[] = []
    const errors: unknown[] = []
    const unsubscribeFirst = subscribe<Events>(
      url,
      {
        greet: (data, event) => first.push(`greet ${data.name} ${event.id}`),
        score: (data) => first.push(`score ${data.player} ${data.points}`),
      },
      {
        onError: (error) => errors.push(error),
        onState: (state) => {
          if (statuses.at(-1) !== state.status) statuses.push(state.status)
        },
      },
    )
    const unsubscribeSecond = subscribe<Events>(url, {
      message: (data) => second.push(`message ${data.text}`),
      score: (data) => second.push(`score ${data.points}`),
    })
    try {
      await waitForSubscribers(a, channel)
      expect(await subscriberCount(a, channel)).toBe(1)
      const published = await publishAll(a, channel, [...firstBatch, ...secondBatch])
      await until(() => first.length === 4 && second.length === 4, 3000)

      expect(first).toEqual([
        `greet Ada ${published[0]?.id}`,
        'score Ada 3',
        'score Bo 5',
        `greet Bo ${published[4]?.id}`,
      ])
      expect(second).toEqual(['score 3', 'message multi\nline', 'score 5', 'message bye'])
      expect(statuses).toEqual(['connecting', 'open'])
      expect(errors).toEqual([])
    } finally {
      unsubscribeFirst()
      unsubscribeSecond()
    }
    // The last unsubscribe ends the one request: Nchan sees its subscriber leave.
    await waitUntil(async () => (await subscriberCount(a, channel)) === 0, 3000, 'the subscriber to leave')
  })
})
