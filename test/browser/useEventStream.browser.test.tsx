// The hook in a real React tree (react-dom in Chromium), against the real SSE server.
import { StrictMode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { useEventStream } from '../../src/react'
import { newSession } from './remote'
import { render, unmount } from './render'

type Messages = { message: string }

function Feed({ url, name = 'feed' }: { url: string; name?: string }) {
  const { status, events, lastEventId } = useEventStream<Messages>(url, {
    decode: 'text',
    history: 100,
    retry: { initialDelay: 50, jitter: false },
  })
  return (
    <section data-name={name} data-status={status} data-last-id={lastEventId}>
      {events.map((event) => (
        <p key={event.id}>{event.data}</p>
      ))}
    </section>
  )
}

/** Counts its renders, and every event its `on` handler sees. */
function Firehose({ url, counts }: { url: string; counts: { renders: number; events: number[] } }) {
  counts.renders++
  const { lastEvent } = useEventStream<Messages>(url, {
    decode: 'text',
    on: { message: (_, event) => void counts.events.push(Number(event.id)) },
  })
  return <output>{lastEvent?.id ?? ''}</output>
}

const texts = (container: HTMLElement, name = 'feed') =>
  [...container.querySelectorAll(`[data-name="${name}"] p`)].map((node) => node.textContent)

describe('useEventStream in a real React tree', () => {
  it('renders live events from a real server as they arrive', async () => {
    const server = newSession()
    const { container } = render(<Feed url={server.url('/stream', { interval: 30 })} />)
    await vi.waitFor(() => expect(texts(container).length).toBeGreaterThanOrEqual(3), { timeout: 5000 })
    expect(texts(container).slice(0, 3)).toEqual(['Message 0', 'Message 1', 'Message 2'])
    expect(container.querySelector('section')?.dataset.status).toBe('open')
  })

  it('opens one connection under StrictMode and for two components on the same URL, and closes it on unmount', async () => {
    const server = newSession()
    const url = server.url('/stream', { interval: 30 })
    const { container, root } = render(
      <StrictMode>
        <Feed url={url} name="a" />
        <Feed url={url} name="b" />
      </StrictMode>,
    )
    await vi.waitFor(() => expect(texts(container, 'b').length).toBeGreaterThanOrEqual(3), { timeout: 5000 })
    expect(texts(container, 'a').slice(0, 3)).toEqual(texts(container, 'b').slice(0, 3))
    expect(await server.requests()).toHaveLength(1)
    unmount(root)
    await vi.waitFor(
      async () => expect((await server.requests()).map((request) => request.closed)).toEqual([true]),
      { timeout: 5000, interval: 50 },
    )
  })

  it('resumes with Last-Event-ID after the server cuts the connection, rendering every event once', async () => {
    const server = newSession()
    const { container } = render(<Feed url={server.url('/stream', { cut: 3, count: 9, interval: 10 })} />)
    await vi.waitFor(() => expect(texts(container)).toHaveLength(9), { timeout: 10_000, interval: 50 })
    expect(texts(container)).toEqual(Array.from({ length: 9 }, (_, n) => `Message ${n}`))
    const requests = await server.requests()
    expect(requests.slice(0, 3).map((request) => request.lastEventId)).toEqual(['', '2', '5'])
  })

  it('renders a fast stream in batches: far fewer renders than events, and no event missing', async () => {
    const server = newSession()
    const counts = { renders: 0, events: [] as number[] }
    const { container } = render(
      <Firehose url={server.url('/stream', { interval: 5, batch: 100, count: 3000 })} counts={counts} />,
    )
    await vi.waitFor(() => expect(container.textContent).toBe('2999'), { timeout: 15_000, interval: 50 })
    expect(counts.events).toEqual(Array.from({ length: 3000 }, (_, n) => n))
    expect(counts.renders).toBeLessThan(300)
  })
})
