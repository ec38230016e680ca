// @vitest-environment jsdom
import { act, waitFor } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { useEventStream } from '../../src/react'
import { eventStreamHandler } from '../../src/testing'
import { countFetches } from '../helpers/clientTimers'
import { settle, setupMockServer, type Ticker, ticks } from './harness'

const { server, requests } = setupMockServer()

function Feed() {
  const { status, lastEvent } = useEventStream<Ticker>('/stream')
  return (
    <p>
      {status} {lastEvent?.type === 'tick' ? lastEvent.data.n : '-'}
    </p>
  )
}

describe('useEventStream with server rendering', () => {
  it('renders on the server without a request, then connects when hydrated, without a mismatch', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(2), { interval: 2 }))
    const fetches = countFetches()
    const container = document.createElement('div')
    container.innerHTML = renderToString(<Feed />)
    document.body.append(container)
    expect(container.textContent).toBe('connecting -')
    await settle()
    expect(fetches()).toBe(0)
    expect(requests).toHaveLength(0)

    const recoverable: unknown[] = []
    const root = await act(async () =>
      hydrateRoot(container, <Feed />, { onRecoverableError: (error) => void recoverable.push(error) }),
    )
    await waitFor(() => expect(container.textContent).toBe('open 1'))
    expect(recoverable).toEqual([])
    expect(requests).toHaveLength(1)
    act(() => root.unmount())
    container.remove()
    await waitFor(() => expect(requests[0]?.signal.aborted).toBe(true))
  })
})
