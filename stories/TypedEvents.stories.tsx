import type { Meta, StoryObj } from '@storybook/react-vite'
import { http } from 'msw'
import type { AnyStreamEvent } from 'typed-sse'
import { useEventStream } from 'typed-sse/react'
import { createLiveEndpoint } from './mocks/live'
import { card, Demo, StateView } from './ui'

/** The event map: event name → the type of its JSON data. */
type MarketEvents = {
  tick: { symbol: string; price: number }
  trade: { symbol: string; side: 'buy' | 'sell'; quantity: number }
  chat: { user: string; text: string }
}

const symbols = ['SSE', 'HTTP', 'TCP']
const users = ['ada', 'grace', 'linus']

/** The mock server cycles through the three event types: `event: tick`, `event: trade`, `event: chat`. */
const market = createLiveEndpoint<MarketEvents>((n) => {
  const symbol = symbols[n % symbols.length] ?? 'SSE'
  if (n % 5 === 4)
    return { event: 'chat', data: { user: users[n % users.length] ?? 'ada', text: `hello #${n}` } }
  if (n % 5 === 3)
    return { event: 'trade', data: { symbol, side: n % 2 ? 'buy' : 'sell', quantity: 10 + (n % 7) } }
  return { event: 'tick', data: { symbol, price: Math.round((100 + Math.sin(n / 4) * 10) * 100) / 100 } }
})

/** `lastEvent` is a union over the event map: checking `type` narrows `data`. */
function describe(event: AnyStreamEvent<MarketEvents>): string {
  switch (event.type) {
    case 'tick':
      return `${event.data.symbol} is at ${event.data.price.toFixed(2)}`
    case 'trade':
      return `${event.data.side} ${event.data.quantity} ${event.data.symbol}`
    case 'chat':
      return `${event.data.user}: ${event.data.text}`
  }
}

function Market({ interval }: { interval: number }) {
  const { status, lastEvent, events, lastEventId } = useEventStream<MarketEvents>(
    `/api/market?interval=${interval}`,
    { history: 30 },
  )
  const prices = new Map<string, number>()
  for (const event of events) if (event.type === 'tick') prices.set(event.data.symbol, event.data.price)
  const chat = events.filter((event) => event.type === 'chat')
  return (
    <Demo
      title="Typed JSON events"
      about={
        <>
          <code>useEventStream&lt;MarketEvents&gt;('/api/market')</code> decodes each event's JSON (the
          default) and types it by its <code>event:</code> name; <code>lastEvent.type</code> narrows{' '}
          <code>lastEvent.data</code>.
        </>
      }
    >
      <StateView status={status} lastEventId={lastEventId} />
      <div style={card}>
        Last event (<code data-testid="last-type">{lastEvent?.type ?? '–'}</code>):{' '}
        <span data-testid="last-event">{lastEvent ? describe(lastEvent) : 'waiting…'}</span>
      </div>
      <table data-testid="prices" style={card}>
        <tbody>
          {[...prices].map(([symbol, price]) => (
            <tr key={symbol}>
              <th style={{ textAlign: 'left', paddingRight: 16 }}>{symbol}</th>
              <td>{price.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul data-testid="chat">
        {chat.map((event) => (
          <li key={event.id}>
            <b>{event.data.user}</b> {event.data.text}
          </li>
        ))}
      </ul>
    </Demo>
  )
}

const meta = {
  title: 'Examples/2. Typed JSON events',
  component: Market,
  args: { interval: 300 },
  argTypes: {
    interval: { control: { type: 'range', min: 50, max: 2000, step: 50 }, description: 'ms between events' },
  },
  parameters: {
    msw: {
      handlers: [
        http.get('/api/market', ({ request }) =>
          market.respond(request, {
            interval: Number(new URL(request.url).searchParams.get('interval')) || 300,
          }),
        ),
      ],
    },
  },
} satisfies Meta<typeof Market>

export default meta

/** A ticker with prices, trades and chat messages on one stream. */
export const StockTicker: StoryObj<typeof meta> = {}
