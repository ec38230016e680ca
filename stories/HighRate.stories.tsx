import type { Meta, StoryObj } from '@storybook/react-vite'
import { http } from 'msw'
import { useRef } from 'react'
import { useEventStream } from 'typed-sse/react'
import { createLiveEndpoint } from './mocks/live'
import { card, Demo, StateView } from './ui'

type Ticks = { tick: { n: number } }

/** The mock server writes a batch of `tick` events every 20 ms. */
const firehose = createLiveEndpoint<Ticks>((n) => ({ event: 'tick', data: { n } }))
const WRITE_EVERY_MS = 20

function Firehose({ eventsPerSecond }: { eventsPerSecond: number }) {
  return <Counter key={eventsPerSecond} eventsPerSecond={eventsPerSecond} />
}

function Counter({ eventsPerSecond }: { eventsPerSecond: number }) {
  const renders = useRef(0)
  renders.current++
  // The `on` handler runs for every event without rendering; the hook renders at most once per frame.
  const counts = useRef({ received: 0, gaps: 0, expected: 0 })
  const { status, lastEvent } = useEventStream<Ticks>(`/api/firehose?rate=${eventsPerSecond}`, {
    on: {
      tick: ({ n }) => {
        const current = counts.current
        if (n !== current.expected) current.gaps++
        current.expected = n + 1
        current.received++
      },
    },
  })
  const { received, gaps } = counts.current
  return (
    <Demo
      title="High-rate stream"
      about={
        <>
          Thousands of events per second. <code>on</code> handlers see every event as it arrives; the
          component renders at most about once per animation frame, so rendering does not try to keep pace
          with the stream.
        </>
      }
    >
      <StateView status={status} />
      <div style={{ ...card, fontVariantNumeric: 'tabular-nums' }}>
        <div>
          Events received: <strong data-testid="received">{received}</strong>
        </div>
        <div>
          Renders: <strong data-testid="renders">{renders.current}</strong>
        </div>
        <div>
          Last rendered event: <span data-testid="last-n">{lastEvent?.data.n ?? '–'}</span> · gaps in the
          numbering: <span data-testid="gaps">{gaps}</span>
        </div>
      </div>
    </Demo>
  )
}

const meta = {
  title: 'Examples/6. High-rate stream',
  component: Firehose,
  args: { eventsPerSecond: 5000 },
  argTypes: {
    eventsPerSecond: {
      control: { type: 'range', min: 500, max: 20_000, step: 500 },
      description: 'events the mock server sends per second',
    },
  },
  parameters: {
    msw: {
      handlers: [
        http.get('/api/firehose', ({ request }) => {
          const rate = Number(new URL(request.url).searchParams.get('rate')) || 5000
          const perWrite = Math.max(1, Math.round((rate * WRITE_EVERY_MS) / 1000))
          return firehose.respond(request, { interval: WRITE_EVERY_MS, perWrite })
        }),
      ],
    },
  },
} satisfies Meta<typeof Firehose>

export default meta

/** Compare the two counters: thousands of events, a few dozen renders per second. */
export const ThousandsPerSecond: StoryObj<typeof meta> = {}
