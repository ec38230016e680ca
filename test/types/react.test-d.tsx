import * as v from 'valibot'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import type { EventStreamError, StreamEvent, StreamStatus } from '../../src/index'
import { type UseEventStreamResult, useEventStream } from '../../src/react'

type Chat = { message: { text: string }; typing: { user: string }; count: number }

describe('useEventStream types', () => {
  it('narrows `lastEvent` and `events` by `type`', () => {
    const { lastEvent, events, status, error, lastEventId } = useEventStream<Chat>('/chat')
    expectTypeOf(status).toEqualTypeOf<StreamStatus>()
    expectTypeOf(error).toEqualTypeOf<EventStreamError | undefined>()
    expectTypeOf(lastEventId).toBeString()
    if (lastEvent?.type === 'typing') expectTypeOf(lastEvent.data).toEqualTypeOf<{ user: string }>()
    if (lastEvent?.type === 'count') expectTypeOf(lastEvent.data).toBeNumber()
    expectTypeOf(lastEvent).toEqualTypeOf<
      | StreamEvent<'message', { text: string }>
      | StreamEvent<'typing', { user: string }>
      | StreamEvent<'count', number>
      | undefined
    >()
    for (const event of events) {
      if (event.type === 'message') expectTypeOf(event.data.text).toBeString()
    }
    // @ts-expect-error `events` is read-only
    events.push(events[0])
  })

  it('types `on` handlers from the event map and rejects unknown event names', () => {
    useEventStream<Chat>('/chat', {
      on: {
        message: (data, event) => {
          expectTypeOf(data).toEqualTypeOf<{ text: string }>()
          expectTypeOf(event.type).toEqualTypeOf<'message'>()
        },
        count: (data) => expectTypeOf(data).toBeNumber(),
      },
    })
    useEventStream<Chat>('/chat', {
      on: {
        // @ts-expect-error not an event of the map
        mesage: () => {},
      },
    })
    useEventStream<Chat>('/chat', {
      on: {
        // @ts-expect-error `typing` data has no `text`
        typing: (data) => data.text,
      },
    })
  })

  it('infers the event map from a decode map of zod and valibot schemas and functions', () => {
    const { lastEvent } = useEventStream('/prices', {
      decode: {
        price: z.object({ symbol: z.string(), value: z.number() }),
        note: v.object({ text: v.string() }),
        size: (raw: string) => raw.length,
      },
      on: {
        price: (data) => expectTypeOf(data).toEqualTypeOf<{ symbol: string; value: number }>(),
        note: (data) => expectTypeOf(data).toEqualTypeOf<{ text: string }>(),
      },
    })
    if (lastEvent?.type === 'price') expectTypeOf(lastEvent.data.value).toBeNumber()
    if (lastEvent?.type === 'note') expectTypeOf(lastEvent.data.text).toBeString()
    if (lastEvent?.type === 'size') expectTypeOf(lastEvent.data).toBeNumber()
    expectTypeOf(lastEvent?.type).toEqualTypeOf<'price' | 'note' | 'size' | undefined>()
    useEventStream('/prices', {
      decode: { price: z.object({ value: z.number() }) },
      on: {
        // @ts-expect-error the decode map has no `trade` event
        trade: () => {},
      },
    })
  })

  it('accepts a null URL, `enabled`, `history` and every createEventStream option', () => {
    const result = useEventStream<Chat>(null, {
      enabled: false,
      history: 50,
      retry: { initialDelay: 500, shouldRetry: (error) => error.status !== 401 },
      headers: async () => ({ authorization: 'Bearer t' }),
      method: 'POST',
      body: '{}',
      credentials: 'include',
      idleTimeout: 30_000,
      onError: (error) => expectTypeOf(error).toEqualTypeOf<EventStreamError>(),
    })
    expectTypeOf(result).toEqualTypeOf<UseEventStreamResult<Chat>>()
    expectTypeOf(result.close).toEqualTypeOf<() => void>()
    expectTypeOf(result.reconnect).toEqualTypeOf<() => void>()
    // @ts-expect-error a number is not a URL
    useEventStream<Chat>(42)
  })

  it('types `value` from `reduce` and `initial`; `undefined` without them', () => {
    type Chunk = { choices: { delta: { content?: string } }[] }
    type Answer = { message: Chunk; usage: { tokens: number } }
    const { value } = useEventStream<Answer, string>('/chat', {
      method: 'POST',
      body: '{}',
      reduce: (text, event) => {
        expectTypeOf(text).toBeString()
        expectTypeOf(event).toEqualTypeOf<
          StreamEvent<'message', Chunk> | StreamEvent<'usage', { tokens: number }>
        >()
        if (event.type === 'usage') return text
        expectTypeOf(event.data).toEqualTypeOf<Chunk>()
        return text + (event.data.choices[0]?.delta.content ?? '')
      },
      initial: '',
    })
    expectTypeOf(value).toBeString()
    expectTypeOf(useEventStream<Answer>('/chat').value).toBeUndefined()
    expectTypeOf(useEventStream<Answer>('/chat')).toEqualTypeOf<UseEventStreamResult<Answer, undefined>>()
    expectTypeOf(useEventStream('/chat').value).toBeUndefined()

    useEventStream<Answer, string>('/chat', {
      // @ts-expect-error `V` is a string: reduce must not return a number
      reduce: (text, event) => (event.type === 'usage' ? event.data.tokens : text),
      initial: '',
    })
    useEventStream<Answer, string>('/chat', {
      reduce: (text, event) => {
        // @ts-expect-error `usage` events have no `choices`: narrow by `event.type` first
        return text + event.data.choices
      },
      initial: '',
    })
    // @ts-expect-error `value` starts at `initial`, which a string value needs
    useEventStream<Answer, string>('/chat', { reduce: (text) => text })
    // @ts-expect-error `initial` must be a `V`
    useEventStream<Answer, string>('/chat', { reduce: (text) => text, initial: 0 })
    // A `V` that takes `undefined` needs no `initial`.
    const optional = useEventStream<Answer, string | undefined>('/chat', {
      reduce: (text, event) => (event.type === 'message' ? `${text ?? ''}…` : text),
    })
    expectTypeOf(optional.value).toEqualTypeOf<string | undefined>()
  })

  it('infers `V` from `initial` and `reduce` when a decode map infers the events', () => {
    const sum = useEventStream('/numbers', {
      decode: { add: z.number(), note: (raw: string) => raw },
      reduce: (total, event) => {
        expectTypeOf(event.type).toEqualTypeOf<'add' | 'note'>()
        return event.type === 'add' ? total + event.data : total
      },
      initial: 0,
    })
    expectTypeOf(sum.value).toBeNumber()
    if (sum.lastEvent?.type === 'note') expectTypeOf(sum.lastEvent.data).toBeString()

    const notes = useEventStream('/numbers', {
      decode: { note: v.object({ text: v.string() }) },
      reduce: (list: string[], event) => [...list, event.data.text],
      initial: [],
    })
    expectTypeOf(notes.value).toEqualTypeOf<string[]>()

    const start = useEventStream('/numbers', { decode: { add: z.number() }, initial: 'idle' })
    expectTypeOf(start.value).toBeString()

    useEventStream('/numbers', {
      decode: { add: z.number() },
      // @ts-expect-error without `initial`, `value` starts `undefined`: the sum is not a number yet
      reduce: (total, event) => total + event.data,
    })
    useEventStream('/numbers', {
      decode: { add: z.number() },
      // @ts-expect-error `initial` says a number: reduce must not return a string
      reduce: (total, event) => `${total + event.data}`,
      initial: 0,
    })
  })
})
