// The hook in a real React tree in Chromium against the nginx + Nchan + Redis cluster of the `nchan` tier:
// cross-origin (the page is vitest's, the nodes answer CORS), published to from Node through browser commands.
import { describe, expect, inject, it, vi } from 'vitest'
import { commands } from 'vitest/browser'
import type { AnyStreamEvent } from '../../src/index'
import { useEventStream } from '../../src/react'
import { render, unmount } from './render'

type RoomEvents = {
  chat: { user: string; text: string }
  presence: { user: string; online: boolean }
}

/** Narrowing on `type` types `data`: a wrong field name here fails `tsc`. */
function line(event: AnyStreamEvent<RoomEvents>): string {
  if (event.type === 'chat') return `${event.data.user}: ${event.data.text}`
  return `${event.data.user} ${event.data.online ? 'joined' : 'left'}`
}

function Room({ url, lastEventId }: { url: string; lastEventId?: string }) {
  const {
    status,
    events,
    lastEventId: lastId,
    error,
    close,
    reconnect,
  } = useEventStream<RoomEvents>(url, {
    history: 100,
    retry: { initialDelay: 100, jitter: false },
    ...(lastEventId === undefined ? {} : { lastEventId }),
  })
  return (
    <section data-status={status} data-last-id={lastId} data-error={error?.code ?? ''}>
      <button type="button" onClick={close}>
        close
      </button>
      <button type="button" onClick={reconnect}>
        reconnect
      </button>
      {events.map((event) => (
        <p key={event.id} data-type={event.type} data-id={event.id}>
          {line(event)}
        </p>
      ))}
    </section>
  )
}

type Published = { type: keyof RoomEvents; id: string; text: string }

/** Publishes from Node (the page may not send `X-EventSource-Event` to Nchan's publisher). */
async function publish<K extends keyof RoomEvents>(
  node: string,
  channel: string,
  type: K,
  data: RoomEvents[K],
): Promise<Published> {
  const id = await commands.nchanPublish(node, channel, type, data)
  return { type, id, text: line({ type, data, raw: JSON.stringify(data), id } as AnyStreamEvent<RoomEvents>) }
}

const rendered = (container: HTMLElement): Published[] =>
  [...container.querySelectorAll('p')].map((p) => ({
    type: p.dataset.type as keyof RoomEvents,
    id: p.dataset.id ?? '',
    text: p.textContent ?? '',
  }))

const section = (container: HTMLElement) => container.querySelector('section')?.dataset ?? {}

function button(container: HTMLElement, name: string): HTMLButtonElement {
  const found = [...container.querySelectorAll('button')].find((node) => node.textContent === name)
  if (!found) throw new Error(`no ${name} button`)
  return found
}

async function waitForRendered(container: HTMLElement, count: number): Promise<void> {
  await vi.waitFor(() => expect(rendered(container).length).toBeGreaterThanOrEqual(count), {
    timeout: 5000,
    interval: 20,
  })
}

const channelName = (prefix: string) => `${prefix}-${crypto.randomUUID()}`

describe('useEventStream against Nchan in Chromium', () => {
  it('renders typed JSON events of several names published to the cluster, in order, with Nchan ids', async () => {
    const { a, b } = inject('nchan')
    const channel = channelName('browser-live')
    const url = `${a}/sub/${channel}`
    expect(new URL(url).origin).not.toBe(location.origin)
    const { container } = render(<Room url={url} />)
    await vi.waitFor(() => expect(section(container).status).toBe('open'), { timeout: 5000 })
    await commands.nchanWaitForSubscribers(a, channel, 1)

    // Published on node B, delivered by node A: the nodes share the channel through redis.
    const published = [
      await publish(b, channel, 'presence', { user: 'ada', online: true }),
      await publish(b, channel, 'chat', { user: 'ada', text: 'hello' }),
      await publish(b, channel, 'chat', { user: 'ada', text: 'über 🚀' }),
      await publish(b, channel, 'presence', { user: 'ada', online: false }),
    ]
    await waitForRendered(container, 4)
    expect(rendered(container)).toEqual(published)
    expect(published.map((event) => event.text)).toEqual([
      'ada joined',
      'ada: hello',
      'ada: über 🚀',
      'ada left',
    ])
    expect(section(container)).toMatchObject({ status: 'open', lastId: published[3]?.id, error: '' })
  })

  it('remounted with lastEventId after an unmount, renders exactly the events published meanwhile', async () => {
    const { a, b } = inject('nchan')
    await commands.recordPreflights()
    const channel = channelName('browser-remount')
    const first = render(<Room url={`${a}/sub/${channel}`} />)
    await vi.waitFor(() => expect(section(first.container).status).toBe('open'), { timeout: 5000 })
    await commands.nchanWaitForSubscribers(a, channel, 1)
    const seen = [
      await publish(a, channel, 'presence', { user: 'bob', online: true }),
      await publish(a, channel, 'chat', { user: 'bob', text: 'one' }),
    ]
    await waitForRendered(first.container, 2)
    expect(rendered(first.container)).toEqual(seen)
    const lastEventId = section(first.container).lastId ?? ''
    expect(lastEventId).toBe(seen[1]?.id)
    unmount(first.root)
    await vi.waitFor(async () => expect(await commands.nchanSubscribers(a, channel)).toBe(0), {
      timeout: 5000,
    })
    // `Accept: text/event-stream` is CORS-safelisted: the first connection needed no preflight.
    expect(await commands.preflights(channel)).toEqual([])

    // Published while nobody listens; the remount goes to node B (ids come from redis, valid on any node).
    const missed = [
      await publish(a, channel, 'chat', { user: 'bob', text: 'two' }),
      await publish(b, channel, 'presence', { user: 'eve', online: true }),
      await publish(a, channel, 'chat', { user: 'eve', text: 'three' }),
    ]
    const second = render(<Room url={`${b}/sub/${channel}`} lastEventId={lastEventId} />)
    await waitForRendered(second.container, 3)
    // A live event after the replay marks its end: anything replayed twice would come before it.
    await commands.nchanWaitForSubscribers(b, channel, 1)
    const live = await publish(a, channel, 'chat', { user: 'bob', text: 'live' })
    await waitForRendered(second.container, 4)
    expect(rendered(second.container)).toEqual([...missed, live])
    expect(section(second.container)).toMatchObject({ status: 'open', lastId: live.id, error: '' })
    await expectOneLastEventIdPreflight(channel, `${b}/sub/${channel}`)
  })

  it('after close(), reconnect() resumes from the last rendered event: the missed events, once each', async () => {
    const { a, b } = inject('nchan')
    await commands.recordPreflights()
    const channel = channelName('browser-reconnect')
    const { container } = render(<Room url={`${a}/sub/${channel}`} />)
    await vi.waitFor(() => expect(section(container).status).toBe('open'), { timeout: 5000 })
    await commands.nchanWaitForSubscribers(a, channel, 1)
    const before = [
      await publish(b, channel, 'chat', { user: 'cy', text: 'first' }),
      await publish(b, channel, 'presence', { user: 'cy', online: true }),
    ]
    await waitForRendered(container, 2)

    button(container, 'close').click()
    await vi.waitFor(() => expect(section(container).status).toBe('closed'), { timeout: 5000 })
    await vi.waitFor(async () => expect(await commands.nchanSubscribers(a, channel)).toBe(0), {
      timeout: 5000,
    })
    const missed = [
      await publish(b, channel, 'chat', { user: 'cy', text: 'while closed' }),
      await publish(b, channel, 'presence', { user: 'cy', online: false }),
    ]
    expect(rendered(container)).toEqual(before)

    button(container, 'reconnect').click()
    await waitForRendered(container, 4)
    await commands.nchanWaitForSubscribers(a, channel, 1)
    const live = await publish(b, channel, 'chat', { user: 'cy', text: 'back' })
    await waitForRendered(container, 5)
    expect(rendered(container)).toEqual([...before, ...missed, live])
    expect(section(container)).toMatchObject({ status: 'open', lastId: live.id, error: '' })
    await expectOneLastEventIdPreflight(channel, `${a}/sub/${channel}`)
  })
})

/** The resumed request carried `Last-Event-ID` across origins: one preflight, answered by Nchan's node. */
async function expectOneLastEventIdPreflight(channel: string, url: string): Promise<void> {
  const preflights = await commands.preflights(channel)
  expect(preflights).toHaveLength(1)
  expect(preflights[0]).toMatchObject({ url, requestHeaders: 'last-event-id', status: 204 })
  expect(preflights[0]?.allowHeaders?.toLowerCase()).toContain('last-event-id')
}
