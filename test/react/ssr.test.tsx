// @vitest-environment node
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import { useEventStream } from '../../src/react'
import type { Ticker } from './harness'

function Feed({ url }: { url: string }) {
  const { status, lastEvent, events } = useEventStream<Ticker>(url, {
    history: 5,
    on: { tick: () => {} },
  })
  return (
    <p>
      {status} {lastEvent?.type ?? 'none'} {events.length}
    </p>
  )
}

describe('useEventStream on the server', () => {
  it('renders `connecting` without connecting or throwing, even for a relative URL', () => {
    const fetch = vi.fn<typeof globalThis.fetch>()
    vi.stubGlobal('fetch', fetch)
    try {
      expect(typeof document).toBe('undefined')
      const html = renderToString(<Feed url="/stream" />)
      expect(html).toBe('<p>connecting<!-- --> <!-- -->none<!-- --> <!-- -->0</p>')
      expect(fetch).not.toHaveBeenCalled()
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
