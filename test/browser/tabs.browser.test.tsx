// `useEventStream(url, { share: tabs })` in a real React tree in Chromium, with real Web Locks and
// BroadcastChannel: this page is the only tab, so it leads. (Several tabs: tabs.e2e.test.ts.)
import { StrictMode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { useEventStream } from '../../src/react'
import { tabs } from '../../src/tabs'
import { newSession } from './remote'
import { render, unmount } from './render'

function Feed({ url, name }: { url: string; name: string }) {
  const { status, events } = useEventStream<{ message: string }>(url, {
    decode: 'text',
    history: 100,
    share: tabs,
  })
  return (
    <section data-name={name} data-status={status}>
      {events.map((event) => (
        <p key={event.id}>{event.data}</p>
      ))}
    </section>
  )
}

const texts = (container: HTMLElement, name: string) =>
  [...container.querySelectorAll(`[data-name="${name}"] p`)].map((node) => node.textContent)

const heldLocks = async () => (await navigator.locks.query()).held?.map((lock) => lock.name) ?? []

describe('useEventStream with share: tabs in Chromium', () => {
  it('opens one connection under StrictMode for two components, holds one hashed lock, and frees both on unmount', async () => {
    const server = newSession()
    const url = server.url('/stream', { interval: 30 })
    const { container, root } = render(
      <StrictMode>
        <Feed url={url} name="a" />
        <Feed url={url} name="b" />
      </StrictMode>,
    )
    await vi.waitFor(() => expect(texts(container, 'b').length).toBeGreaterThanOrEqual(3), { timeout: 5000 })
    expect(texts(container, 'a').slice(0, 3)).toEqual(['Message 0', 'Message 1', 'Message 2'])
    expect(texts(container, 'b').slice(0, 3)).toEqual(['Message 0', 'Message 1', 'Message 2'])
    expect(container.querySelector('section')?.dataset.status).toBe('open')
    expect(await server.requests()).toHaveLength(1)
    const held = await heldLocks()
    expect(held).toHaveLength(1)
    expect(held[0]).toMatch(/^typed-sse:[0-9a-f]{64}$/)
    expect(held[0]).not.toContain('session')
    unmount(root)
    await vi.waitFor(
      async () => expect((await server.requests()).map((request) => request.closed)).toEqual([true]),
      { timeout: 5000, interval: 50 },
    )
    expect(await heldLocks()).toEqual([])
  })
})
