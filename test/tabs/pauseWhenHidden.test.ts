// `pauseWhenHidden` with `share: tabs`, in Node with fake Web Locks, Node's BroadcastChannel and a fake
// document per tab: the shared connection pauses only when every tab that uses it has been hidden for its
// delay, and resumes at once (with Last-Event-ID) when any tab shows again. A tab that goes away, with or
// without a word, stops keeping it open.
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { resolveConnection } from '../../src/core/api/resolveOptions'
import { createConnection } from '../../src/core/connection/connection'
import type { Connection, ShareRequest, StreamState } from '../../src/index'
import { tabs } from '../../src/tabs'
import { createMockStream, type MockStream } from '../../src/testing'
import { sleep, until } from '../helpers/until'
import {
  type FakeBrowserLog,
  type FakeDocument,
  installFakeBrowser,
  setDocument,
  setVisibility,
} from './fakeBrowser'

let names: FakeBrowserLog
beforeAll(() => {
  names = installFakeBrowser()
})

const URL = 'https://sse.test/feed'
const DELAY = 60
const open: Connection[] = []
afterEach(() => {
  for (const connection of open.splice(0)) connection.close()
})

interface Tab {
  connection: Connection
  page: FakeDocument
  states: StreamState[]
}

/** One tab (a document of its own, `visible` or `hidden`) on the key `key`, with `pauseWhenHidden`. */
function openTab(
  server: MockStream,
  key: string,
  visibility: DocumentVisibilityState,
  pauseWhenHidden: number | 'off' = DELAY,
): Tab {
  const forEveryTab = { fetch: server.fetch, retry: { initialDelay: 10, jitter: false } }
  // As the core's share.ts does: the real connection never pauses by itself, the tabs decide.
  const request: ShareRequest = {
    url: URL,
    key: JSON.stringify([URL, 'test']),
    portableKey: undefined, // a custom fetch: only an explicit key can share across tabs
    options: pauseWhenHidden === 'off' ? forEveryTab : { ...forEveryTab, pauseWhenHidden },
    open: (lastEventId) => createConnection(resolveConnection(URL, { ...forEveryTab, lastEventId })),
  }
  const page = setDocument(visibility)
  const connection = tabs.key(key).connect(request)
  open.push(connection)
  const tab: Tab = { connection, page, states: [] }
  connection.attach({
    event() {},
    error() {},
    state: () => tab.states.push(connection.state),
    closed() {},
  })
  return tab
}

const paused = (tab: Tab) =>
  tab.connection.status === 'reconnecting' && tab.connection.state.retryDelay === undefined

/** A leader that receives event 5, and a follower that mirrors it. */
async function leaderAndFollower(key: string, follower: DocumentVisibilityState) {
  const server = createMockStream()
  const leader = openTab(server, key, 'visible')
  await server.waitForConnection(1)
  const other = openTab(server, key, follower)
  await until(() => other.connection.status === 'open')
  server.send({ data: 'five', id: '5' })
  await until(() => other.connection.state.lastEventId === '5')
  return { server, leader, follower: other }
}

describe('pauseWhenHidden with share: tabs', () => {
  it('pauses when every tab has been hidden for the delay: the request closes, every tab is reconnecting', async () => {
    const { server, leader, follower } = await leaderAndFollower('all-hidden', 'hidden')
    const hiddenAt = performance.now()
    setVisibility(leader.page, 'hidden')
    await until(() => !server.connected)
    expect(performance.now() - hiddenAt).toBeGreaterThanOrEqual(DELAY - 5) // timers may fire a ms early
    await until(() => paused(follower))
    expect(paused(leader)).toBe(true)
    expect(follower.connection.state).toEqual({ status: 'reconnecting', lastEventId: '5', attempt: 0 })
    expect(server.requests).toHaveLength(1)
  })

  it('does not pause while one tab is visible, and pauses once that tab is hidden too', async () => {
    const { server, leader, follower } = await leaderAndFollower('one-visible', 'visible')
    setVisibility(leader.page, 'hidden')
    // The point is time: several delays pass with the follower visible, and nothing closes.
    await sleep(DELAY * 4)
    expect(server.connected).toBe(true)
    expect(leader.connection.status).toBe('open')
    setVisibility(follower.page, 'hidden')
    await until(() => paused(follower) && paused(leader))
    expect(server.connected).toBe(false)
  })

  it('does not let a visible tab that closes keep the connection open', async () => {
    const { server, leader, follower } = await leaderAndFollower('visible-closes', 'visible')
    setVisibility(leader.page, 'hidden')
    await sleep(DELAY * 2) // the point is time: the delay passed, the visible follower keeps it open
    expect(server.connected).toBe(true)
    follower.connection.close()
    await until(() => paused(leader))
    expect(server.connected).toBe(false)
  })

  it('does not let a visible tab that dies without a word keep the connection open', async () => {
    const { server, leader } = await leaderAndFollower('visible-dies', 'hidden')
    // This key's "awake" lock: the last one that a tab took.
    const awake = names.locks.filter((name) => name.endsWith(':awake')).at(-1) as string
    // What the others see of a visible tab is that it holds this lock in shared mode; the browser frees a
    // dead tab's locks.
    let die = () => {}
    void navigator.locks.request(awake, { mode: 'shared' }, () => new Promise<void>((r) => (die = r)))
    setVisibility(leader.page, 'hidden')
    await sleep(DELAY * 2) // the point is time: the delay passed, the "visible tab" keeps it open
    expect(server.connected).toBe(true)
    die()
    await until(() => paused(leader))
    expect(server.connected).toBe(false)
  })

  it('resumes at once with Last-Event-ID (one request) when any tab shows again, and pauses again', async () => {
    const { server, leader, follower } = await leaderAndFollower('resume', 'hidden')
    setVisibility(leader.page, 'hidden')
    await until(() => paused(follower) && paused(leader))
    setVisibility(follower.page, 'visible')
    await server.waitForConnection(2)
    expect(server.requests[1]?.headers.get('last-event-id')).toBe('5')
    await until(() => leader.connection.status === 'open' && follower.connection.status === 'open')
    server.send({ data: 'six', id: '6' })
    await until(() => follower.connection.state.lastEventId === '6')
    expect(server.requests).toHaveLength(2)
    setVisibility(follower.page, 'hidden')
    await until(() => paused(follower) && paused(leader))
    setVisibility(leader.page, 'visible') // the leader itself shows
    await server.waitForConnection(3)
    expect(server.requests[2]?.headers.get('last-event-id')).toBe('6')
    await until(() => follower.connection.status === 'open')
    expect(server.requests).toHaveLength(3)
  })

  it('never pauses for a tab whose streams have no pauseWhenHidden', async () => {
    const server = createMockStream()
    const leader = openTab(server, 'no-option', 'visible')
    await server.waitForConnection(1)
    const other = openTab(server, 'no-option', 'hidden', 'off')
    await until(() => other.connection.status === 'open')
    setVisibility(leader.page, 'hidden')
    await sleep(DELAY * 3) // the point is time: the delay passed
    expect(server.connected).toBe(true)
    other.connection.close()
    await until(() => paused(leader))
  })
})

describe('pauseWhenHidden with share: tabs, tabs that come and go', () => {
  it('resumes when a tab opens while paused (a new tab is visible)', async () => {
    const { server, leader, follower } = await leaderAndFollower('new-tab', 'hidden')
    setVisibility(leader.page, 'hidden')
    await until(() => paused(follower) && paused(leader))
    const next = openTab(server, 'new-tab', 'visible')
    await server.waitForConnection(2)
    expect(server.requests[1]?.headers.get('last-event-id')).toBe('5')
    await until(() => next.connection.status === 'open' && follower.connection.status === 'open')
    expect(server.requests).toHaveLength(2)
  })

  it('hands over while paused: the next leader, hidden too, stays paused and resumes from the last ID', async () => {
    const { server, leader, follower } = await leaderAndFollower('hand-over', 'hidden')
    setVisibility(leader.page, 'hidden')
    await until(() => paused(follower) && paused(leader))
    const heard = follower.states.length
    leader.connection.close()
    // The next leader queues for the "awake" lock as it takes the lead; here (fake locks) that lock comes
    // before the leader's bye, and it pauses without opening. (In a browser it may open once first.)
    await until(() => follower.states.length > heard && paused(follower))
    await sleep(250) // the point is time: the grace for the old leader's last messages (100 ms) passes
    expect(server.requests).toHaveLength(1)
    setVisibility(follower.page, 'visible')
    await server.waitForConnection(2)
    expect(server.requests[1]?.headers.get('last-event-id')).toBe('5')
    await until(() => follower.connection.status === 'open')
    expect(server.requests).toHaveLength(2)
  })
})
