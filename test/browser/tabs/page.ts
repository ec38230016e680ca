// The page of the cross-tab tests (bundled from source by esbuild): each page is one "tab". It opens
// streams as `?open=` says (again after every reload) or as the test asks through `window.tabsTest`, and
// records every event as `type/id/raw`. Its requests carry `x-page: <tab>` so that the server knows who leads.
import { createEventStream, type EventStream, type StreamState } from '../../../src/index'
import { tabs } from '../../../src/tabs/index'

/** How a test opens a stream: `share` is `tabs`, `none` (own connection) or `key:<k>` (`tabs.key(k)`). */
export interface StreamSpec {
  url: string
  share: 'tabs' | 'none' | `key:${string}`
  headers?: Record<string, string>
}

export interface TabsTest {
  open(name: string, spec: StreamSpec): void
  received(name: string): string[]
  state(name: string): StreamState
  close(name: string): void
  reconnect(name: string): void
  /** The names of the Web Locks held or requested in this browser context. */
  lockNames(): Promise<string[]>
}

const params = new URLSearchParams(location.search)
const tab = params.get('tab') ?? ''
const nativeFetch = globalThis.fetch
globalThis.fetch = (input, init) => {
  const headers = new Headers(init?.headers)
  headers.set('x-page', tab)
  return nativeFetch(input, { ...init, headers })
}

const streams = new Map<string, { stream: EventStream; events: string[] }>()
const get = (name: string) => {
  const entry = streams.get(name)
  if (!entry) throw new Error(`no stream ${name} in tab ${tab}`)
  return entry
}

const test: TabsTest = {
  open(name, { url, share, headers }) {
    const stream = createEventStream(url, {
      decode: 'text',
      share: share === 'tabs' ? tabs : share === 'none' ? false : tabs.key(share.slice(4)),
      ...(headers && { headers }),
    })
    const events: string[] = []
    stream.onAny((event) => events.push(`${event.type}/${event.id}/${event.raw}`))
    streams.set(name, { stream, events })
  },
  received: (name) => get(name).events,
  state: (name) => get(name).stream.state,
  close: (name) => get(name).stream.close(),
  reconnect: (name) => get(name).stream.reconnect(),
  async lockNames() {
    const { held = [], pending = [] } = await navigator.locks.query()
    return [...held, ...pending].map((lock) => lock.name ?? '')
  },
}
;(globalThis as { tabsTest?: TabsTest }).tabsTest = test

const open = JSON.parse(params.get('open') ?? '{}') as Record<string, StreamSpec>
for (const [name, spec] of Object.entries(open)) test.open(name, spec)
