// The tab side of `share: tabs` in Node with fake Web Locks and Node's BroadcastChannel: several tab
// connections of one process stand for several tabs (each asked directly, as each tab's page would).
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { resolveConnection } from '../../src/core/api/resolveOptions'
import { createConnection } from '../../src/core/connection/connection'
import { type Connection, EventStreamError, type ShareRequest, type StreamState } from '../../src/index'
import { tabs } from '../../src/tabs'
import { createMockStream, type MockStream } from '../../src/testing'
import { until } from '../helpers/until'
import { type FakeBrowserLog, installFakeBrowser } from './fakeBrowser'

let names: FakeBrowserLog
beforeAll(() => {
  names = installFakeBrowser()
})

const URL = 'https://sse.test/feed'
const open: Connection[] = []
afterEach(() => {
  for (const connection of open.splice(0)) connection.close()
})

/** What one tab's connection heard. */
interface Tab {
  connection: Connection
  events: string[]
  errors: EventStreamError[]
  states: StreamState[]
  closed: (EventStreamError | undefined)[]
}

/** One tab's connection for the key `key` (the mock's `fetch` needs an explicit key). */
function openTab(server: MockStream, key = 'feed'): Tab {
  const options = { fetch: server.fetch, retry: { initialDelay: 10, jitter: false } }
  const request: ShareRequest = {
    url: URL,
    key: JSON.stringify([URL, 'test']),
    portableKey: undefined, // a custom fetch: only an explicit key can share across tabs
    options,
    open: (lastEventId) => createConnection(resolveConnection(URL, { ...options, lastEventId })),
  }
  const connection = tabs.key(key).connect(request)
  open.push(connection)
  const tab: Tab = { connection, events: [], errors: [], states: [], closed: [] }
  connection.attach({
    event: (type, raw, id) => tab.events.push(`${type}/${id}/${raw}`),
    error: (error) => tab.errors.push(error),
    state: () => tab.states.push(connection.state),
    closed: (error) => tab.closed.push(error),
  })
  return tab
}

describe('tab connections', () => {
  it('lets the first tab lead and mirrors its events (all types, raw data, ids) and state in the others', async () => {
    const server = createMockStream()
    const leader = openTab(server)
    await server.waitForConnection(1)
    const follower = openTab(server)
    await until(() => follower.connection.status === 'open')
    server.write('id: 1\ndata: one\n\nevent: tick\nid: 2\ndata: {"n":2}\ndata: more\n\n')
    await until(() => follower.events.length === 2)
    expect(follower.events).toEqual(['message/1/one', 'tick/2/{"n":2}\nmore'])
    expect(leader.events).toEqual(follower.events)
    expect(follower.connection.state).toEqual({ status: 'open', lastEventId: '2', attempt: 0 })
    server.write('id: 3\n\n') // a new last event ID without an event
    await until(() => follower.connection.state.lastEventId === '3')
    expect(server.requests).toHaveLength(1)
  })

  it("has each event's ID as the last event ID while its listeners run, in a follower as in the leader", async () => {
    const server = createMockStream()
    const leader = openTab(server)
    await server.waitForConnection(1)
    const follower = openTab(server)
    await until(() => follower.connection.status === 'open')
    const seen: string[][] = [[], []]
    for (const [i, tab] of [leader, follower].entries()) {
      tab.connection.attach({
        event: (_type, _raw, id) => seen[i]?.push(`${id}:${tab.connection.state.lastEventId}`),
        error() {},
        state() {},
        closed() {},
      })
    }
    server.write('id: 1\ndata: one\n\nid: 2\ndata: two\n\n') // one chunk, two events
    await until(() => follower.events.length === 2)
    expect(seen).toEqual([
      ['1:1', '2:2'],
      ['1:1', '2:2'],
    ])
  })

  it('turns errors back into EventStreamErrors with the same code, status and message', async () => {
    const server = createMockStream()
    const leader = openTab(server)
    await server.waitForConnection(1)
    const follower = openTab(server)
    await until(() => follower.connection.status === 'open')
    server.reply({ status: 503 })
    server.close()
    await until(() => follower.errors.length === 1)
    const [error] = follower.errors
    expect(error).toBeInstanceOf(EventStreamError)
    expect(error).toMatchObject({ code: 'http', status: 503, message: leader.errors[0]?.message })
    expect(follower.connection.state.error).toBe(error)
    await until(() => follower.connection.status === 'open')
    expect(follower.connection.state.error).toBeUndefined()
  })

  it('reconnects the leader when a follower calls reconnect()', async () => {
    const server = createMockStream()
    openTab(server)
    await server.waitForConnection(1)
    const follower = openTab(server)
    await until(() => follower.connection.status === 'open')
    server.send({ data: 'x', id: '7' })
    await until(() => follower.connection.state.lastEventId === '7')
    follower.connection.reconnect()
    await server.waitForConnection(2)
    expect(server.requests[1]?.headers.get('last-event-id')).toBe('7')
  })

  it('closes only this tab: a follower leaves alone, a leader hands over to the next tab, which resumes', async () => {
    const server = createMockStream()
    const leader = openTab(server)
    await server.waitForConnection(1)
    const follower = openTab(server)
    const next = openTab(server)
    await until(() => next.connection.status === 'open')
    follower.connection.close()
    expect(follower.connection.status).toBe('closed')
    server.send({ data: 'after', id: '1' })
    await until(() => next.events.length === 1)
    expect(follower.events).toEqual([])
    expect(server.requests).toHaveLength(1)
    leader.connection.close()
    await server.waitForConnection(2)
    expect(server.requests[1]?.headers.get('last-event-id')).toBe('1')
    server.send({ data: 'from the new leader', id: '2' })
    await until(() => next.events.length === 2)
    expect(next.events).toEqual(['message/1/after', 'message/2/from the new leader'])
    expect(leader.events).toEqual(['message/1/after'])
  })

  it('names the lock and the channel of a key by its SHA-256 hash, one name per key', async () => {
    const server = createMockStream()
    const before = { locks: names.locks.length, channels: names.channels.length }
    openTab(server, 'user-1')
    openTab(server, 'user-1')
    openTab(server, 'user-2')
    await until(() => names.locks.length === before.locks + 6)
    // Each tab also takes the key's "awake" lock (pauseWhenHidden), named after the leader's.
    const all = names.locks.slice(before.locks)
    const locks = all.filter((name) => !name.endsWith(':awake'))
    expect(all.filter((name) => name.endsWith(':awake'))).toEqual(locks.map((name) => `${name}:awake`))
    const channels = names.channels.slice(before.channels)
    for (const name of [...locks, ...channels]) expect(name).toMatch(/^typed-sse:[0-9a-f]{64}$/)
    expect(new Set(locks).size).toBe(2)
    expect(channels).toEqual(locks)
  })
})
