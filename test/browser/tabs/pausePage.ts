// The page of the `pauseWhenHidden` + `share: tabs` test (bundled from source by esbuild): one stream on
// `share: tabs.key('pause')` as its query says, `?page=<name>&topic=<t>&pause=<ms>`. It records the id of
// every event; its requests carry `x-page: <name>` so that the server knows which tab leads.
import { createEventStream, type StreamState } from '../../../src/index'
import { tabs } from '../../../src/tabs/index'

export interface PauseTest {
  ids(): number[]
  state(): StreamState
}

const params = new URLSearchParams(location.search)
const stream = createEventStream(`/stream/${params.get('topic')}`, {
  decode: 'text',
  retry: { initialDelay: 100, jitter: false },
  // A custom fetch cannot be compared across tabs: the explicit key says that these tabs share.
  share: tabs.key('pause'),
  fetch: (input, init) => {
    const headers = new Headers(init?.headers)
    headers.set('x-page', params.get('page') ?? '')
    return fetch(input, { ...init, headers })
  },
  pauseWhenHidden: Number(params.get('pause')),
})
const ids: number[] = []
stream.onAny((event) => ids.push(Number(event.id)))
stream.onError((error) => console.error(`stream error: ${error.code}: ${error.message}`))
const test: PauseTest = { ids: () => ids, state: () => stream.state }
;(globalThis as { pauseTest?: PauseTest }).pauseTest = test
