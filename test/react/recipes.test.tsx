// @vitest-environment jsdom
// The README's React examples, rendered against MSW: each test runs the code its README section shows.
import { act, render, screen, waitFor } from '@testing-library/react'
import { HttpResponse, http } from 'msw'
import { useEffect } from 'react'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { useEventStream } from '../../src/react'
import { eventStreamHandler, eventStreamResponse } from '../../src/testing'
import { setupMockServer } from './harness'

const { server, requests } = setupMockServer()

// --- Quick start
type PriceEvents = { price: { symbol: string; value: number } }

function Ticker() {
  const { status, lastEvent, error } = useEventStream<PriceEvents>('/prices')
  if (error) return <p role="alert">{error.message}</p>
  if (!lastEvent) return <p>{status}…</p>
  return (
    <p>
      {lastEvent.data.symbol}: {lastEvent.data.value}
    </p>
  )
}

// --- Live feed: schema-checked events (the event map is inferred from the schemas), last 50 kept
const message = z.object({ id: z.string(), user: z.string(), text: z.string() })

function ChatFeed({ room }: { room: string }) {
  const { events } = useEventStream(`/rooms/${room}/stream`, {
    decode: { message },
    history: 50,
  })
  return (
    <ul>
      {events.map(({ data }) => (
        <li key={data.id}>
          {data.user}: {data.text}
        </li>
      ))}
    </ul>
  )
}

// --- Status badge: shares the feed's connection (same URL), renders only on status changes
function StatusBadge({ url }: { url: string }) {
  const { status, attempt, retryDelay, error, reconnect } = useEventStream(url)
  if (status === 'open') return <span>● live</span>
  if (status === 'connecting') return <span>○ connecting…</span>
  if (status === 'reconnecting') {
    const seconds = Math.ceil((retryDelay ?? 0) / 1000)
    return (
      <span>
        ○ reconnecting in {seconds}s (attempt {attempt}){' '}
        <button type="button" onClick={reconnect}>
          retry now
        </button>
      </span>
    )
  }
  return (
    <span>
      × {error ? error.message : 'closed'}{' '}
      <button type="button" onClick={reconnect}>
        reconnect
      </button>
    </span>
  )
}

// --- Log view: the last 200 lines as text; `on` reports each error line as it arrives, without a render
type LogEvents = { line: string; error: string }

function LogView({ onErrorLine }: { onErrorLine: (line: string) => void }) {
  const { events, status } = useEventStream<LogEvents>('/logs', {
    decode: 'text',
    history: 200,
    on: { error: (line) => onErrorLine(line) },
  })
  return (
    <section>
      <h2>Logs ({status})</h2>
      <pre>{events.map((event) => `${event.type === 'error' ? '!' : ' '} ${event.data}`).join('\n')}</pre>
    </section>
  )
}

// --- Auth header refresh: a headers function runs before every attempt, so each reconnect carries a
// fresh token; a 401 is fatal, so refresh the token and reconnect (resuming from the last event ID)
interface Auth {
  token(): Promise<string>
  refresh(): Promise<void>
}

function Notifications({ auth }: { auth: Auth }) {
  const { lastEvent, error, reconnect } = useEventStream<{ notice: { title: string } }>('/notifications', {
    headers: async () => ({ authorization: `Bearer ${await auth.token()}` }),
  })
  useEffect(() => {
    if (error?.status === 401) auth.refresh().then(reconnect)
  }, [error, auth, reconnect])
  return <p>{lastEvent?.data.title ?? 'No news'}</p>
}

describe('README React recipes', () => {
  it('quick start: renders the latest price', async () => {
    server.use(
      eventStreamHandler<PriceEvents>('/prices', [{ event: 'price', data: { symbol: 'ACME', value: 42 } }]),
    )
    render(<Ticker />)
    expect(screen.getByText('connecting…')).toBeTruthy()
    await waitFor(() => expect(screen.getByText('ACME: 42')).toBeTruthy())
  })

  it('quick start: shows a fatal error', async () => {
    server.use(eventStreamHandler('/prices', [], { status: 404 }))
    render(<Ticker />)
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/HTTP 404/))
  })

  it('live feed: lists schema-checked messages; the badge shares its connection', async () => {
    server.use(
      eventStreamHandler('/rooms/general/stream', [
        { event: 'message', data: { id: '1', user: 'ana', text: 'hi' } },
        { event: 'message', data: { id: '2', user: 'bo' } },
        { event: 'message', data: { id: '3', user: 'bo', text: 'hello' } },
      ]),
    )
    render(
      <>
        <StatusBadge url="/rooms/general/stream" />
        <ChatFeed room="general" />
      </>,
    )
    await waitFor(() => expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toHaveLength(2))
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['ana: hi', 'bo: hello'])
    expect(screen.getByText('● live')).toBeTruthy()
    expect(requests).toHaveLength(1)
  })

  it('status badge: counts down while reconnecting and reconnects on demand', async () => {
    server.use(eventStreamHandler('/flaky', [], { status: 503, headers: { 'retry-after': '30' } }))
    render(<StatusBadge url="/flaky" />)
    await waitFor(() => expect(screen.getByText(/reconnecting in 30s \(attempt 1\)/)).toBeTruthy())
    server.use(eventStreamHandler('/flaky', []))
    act(() => screen.getByRole('button', { name: 'retry now' }).click())
    await waitFor(() => expect(screen.getByText('● live')).toBeTruthy())
  })

  it('log view: keeps the last lines and reports error lines', async () => {
    server.use(
      eventStreamHandler<LogEvents>('/logs', [
        { event: 'line', data: 'started' },
        { event: 'error', data: 'disk full' },
        { event: 'line', data: 'retrying' },
      ]),
    )
    const reported: string[] = []
    const { container } = render(<LogView onErrorLine={(line) => reported.push(line)} />)
    await waitFor(() =>
      expect(container.querySelector('pre')?.textContent).toBe('  started\n! disk full\n  retrying'),
    )
    expect(screen.getByRole('heading').textContent).toBe('Logs (open)')
    expect(reported).toEqual(['disk full'])
  })

  it('auth header refresh: refreshes the token after a 401 and connects again', async () => {
    let token = 'expired'
    const auth: Auth = {
      token: async () => token,
      refresh: async () => {
        token = 'fresh'
      },
    }
    server.use(
      http.get('/notifications', ({ request }) =>
        request.headers.get('authorization') === 'Bearer fresh'
          ? eventStreamResponse([{ event: 'notice', data: { title: 'Welcome back' } }], {
              signal: request.signal,
            })
          : new HttpResponse(null, { status: 401 }),
      ),
    )
    render(<Notifications auth={auth} />)
    await waitFor(() => expect(screen.getByText('Welcome back')).toBeTruthy())
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer expired', 'Bearer fresh'])
  })
})
