// The page of the page-lifecycle tests (bundled from source by esbuild). It opens one stream as its query
// says (again after every reload): `?page=<name>&topic=<t>&persist=session|local|off&pause=<ms>`, records the
// id of every event, and on `pagehide` sends what it received to the server (`POST /report`). Its requests
// carry `x-page: <name>#<load>`, where `<load>` counts the loads of this tab (kept in sessionStorage).
import { createEventStream, type StreamState } from '../../../src/index'

export interface LifecycleTest {
  /** The ids of the events received since this load, in order. */
  ids(): number[]
  state(): StreamState
  /** Every status the stream went through since this load, in order (repeats left out). */
  statuses(): string[]
  /** The number of this load in this tab: 1, then 2 after a reload, … */
  load: number
  /** `performance.now()` of every write of the library's `persist` storage (`typed-sse:` keys) since this load. */
  storageWrites(): number[]
  /** `performance.now()` when the first and the last event of this load arrived. */
  eventTimes(): { first?: number; last?: number }
}

// Every write of the library's keys, in sessionStorage and localStorage alike.
const storageWrites: number[] = []
const setItem = Storage.prototype.setItem
Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
  if (key.startsWith('typed-sse:')) storageWrites.push(performance.now())
  setItem.call(this, key, value)
}

const params = new URLSearchParams(location.search)
const name = params.get('page') ?? ''
const persist = params.get('persist') ?? 'off'
const pause = params.get('pause')
const load = Number(sessionStorage.getItem('lifecycle-test-load') ?? 0) + 1
sessionStorage.setItem('lifecycle-test-load', String(load))
const label = `${name}#${load}`

const stream = createEventStream(`/stream/${params.get('topic')}`, {
  decode: 'text',
  retry: { initialDelay: 100, jitter: false },
  fetch: (input, init) => {
    const headers = new Headers(init?.headers)
    headers.set('x-page', label)
    return fetch(input, { ...init, headers })
  },
  ...(persist === 'session' || persist === 'local' ? { persist } : {}),
  ...(pause === null ? {} : { pauseWhenHidden: Number(pause) }),
})
const ids: number[] = []
const eventTimes: { first?: number; last?: number } = {}
stream.onAny((event) => {
  ids.push(Number(event.id))
  eventTimes.last = performance.now()
  eventTimes.first ??= eventTimes.last
})
const statuses: string[] = [stream.state.status]
stream.onState((state) => {
  if (statuses.at(-1) !== state.status) statuses.push(state.status)
})
stream.onError((error) => console.error(`stream error: ${error.code}: ${error.message}`))

addEventListener('pagehide', () => {
  const report = { page: label, ids, lastEventId: stream.state.lastEventId }
  navigator.sendBeacon('/report', new Blob([JSON.stringify(report)], { type: 'text/plain' }))
})

const test: LifecycleTest = {
  ids: () => ids,
  state: () => stream.state,
  statuses: () => statuses,
  load,
  storageWrites: () => storageWrites,
  eventTimes: () => eventTimes,
}
;(globalThis as { lifecycleTest?: LifecycleTest }).lifecycleTest = test
