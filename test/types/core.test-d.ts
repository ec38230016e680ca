import type { StandardSchemaV1 as SpecSchema } from '@standard-schema/spec'
import * as v from 'valibot'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  type AnyStreamEvent,
  createEventStream,
  type EventStreamError,
  type EventStreamErrorCode,
  type StandardSchemaV1,
  type StreamEvent,
  type StreamState,
  subscribe,
} from '../../src/index'

type Events = { tick: { n: number }; message: string }

describe('createEventStream types', () => {
  it('types handler data and the event by the event name', () => {
    const stream = createEventStream<Events>('/s')
    stream.on('tick', (data, event) => {
      expectTypeOf(data).toEqualTypeOf<{ n: number }>()
      expectTypeOf(event).toEqualTypeOf<StreamEvent<'tick', { n: number }>>()
    })
    stream.on('message', (data) => expectTypeOf(data).toEqualTypeOf<string>())
  })

  it('rejects an unknown event name and a wrong data shape', () => {
    const stream = createEventStream<Events>('/s')
    // @ts-expect-error 'tock' is not an event of the map
    stream.on('tock', () => {})
    // @ts-expect-error tick data has no `text`
    stream.on('tick', (data) => data.text)
  })

  it('iterates a union narrowed by `type`', async () => {
    const stream = createEventStream<Events>('/s')
    for await (const event of stream) {
      expectTypeOf(event).toEqualTypeOf<AnyStreamEvent<Events>>()
      if (event.type === 'tick') expectTypeOf(event.data).toEqualTypeOf<{ n: number }>()
      else expectTypeOf(event.data).toEqualTypeOf<string>()
    }
  })

  it('exposes state and errors', () => {
    const stream = createEventStream<Events>('/s')
    expectTypeOf(stream.state).toEqualTypeOf<StreamState>()
    expectTypeOf(stream.state.status).toEqualTypeOf<'connecting' | 'open' | 'reconnecting' | 'closed'>()
    stream.onError((error) => expectTypeOf(error).toEqualTypeOf<EventStreamError>())
  })

  it('treats an untyped stream as unknown data under any name', () => {
    const stream = createEventStream('/s')
    stream.on('anything', (data) => expectTypeOf(data).toEqualTypeOf<unknown>())
  })

  it('infers the event map from a decode map of schemas and functions', () => {
    const stream = createEventStream('/s', {
      decode: {
        tick: z.object({ n: z.number() }),
        chat: v.object({ text: v.string() }),
        count: (raw: string) => Number(raw),
      },
    })
    stream.on('tick', (data) => expectTypeOf(data).toEqualTypeOf<{ n: number }>())
    stream.on('chat', (data) => expectTypeOf(data).toEqualTypeOf<{ text: string }>())
    stream.on('count', (data) => expectTypeOf(data).toEqualTypeOf<number>())
    // @ts-expect-error not in the decode map
    stream.on('other', () => {})
  })

  it('checks a decode map against an explicit event map', () => {
    createEventStream<Events>('/s', { decode: { tick: (raw) => ({ n: Number(raw) }) } })
    // @ts-expect-error the decoder returns the wrong shape
    createEventStream<Events>('/s', { decode: { tick: (raw) => raw } })
  })

  it('rejects options of the wrong type', () => {
    // @ts-expect-error retry takes an object or false
    createEventStream('/s', { retry: 3 })
    // @ts-expect-error unknown decode mode
    createEventStream('/s', { decode: 'yaml' })
  })
})

describe('subscribe types', () => {
  it('types each handler by its event name', () => {
    subscribe<Events>('/s', {
      tick: (data, event) => {
        expectTypeOf(data).toEqualTypeOf<{ n: number }>()
        expectTypeOf(event.type).toEqualTypeOf<'tick'>()
      },
      message: (data) => expectTypeOf(data).toEqualTypeOf<string>(),
    })
    // @ts-expect-error 'tock' is not an event of the map
    subscribe<Events>('/s', { tock: () => {} })
    // @ts-expect-error message data is a string
    subscribe<Events>('/s', { message: (data: number) => data })
  })

  it('returns an unsubscribe function', () => {
    expectTypeOf(subscribe<Events>('/s', {})).toEqualTypeOf<() => void>()
  })
})

describe('Standard Schema', () => {
  it('keeps our copy of the interface compatible with @standard-schema/spec', () => {
    expectTypeOf<SpecSchema<unknown, { n: number }>>().toExtend<StandardSchemaV1<unknown, { n: number }>>()
    expectTypeOf<StandardSchemaV1<unknown, { n: number }>>().toExtend<SpecSchema<unknown, { n: number }>>()
  })
})

describe('errors and request options', () => {
  it('names every error code, and keeps the full URL apart from the message', () => {
    expectTypeOf<EventStreamErrorCode>().toEqualTypeOf<
      | 'network'
      | 'http'
      | 'content-type'
      | 'decode'
      | 'too-large'
      | 'idle-timeout'
      | 'handler'
      | 'headers'
      | 'request'
      | 'storage'
    >()
    expectTypeOf<EventStreamError['url']>().toEqualTypeOf<string | undefined>()
  })

  it('takes the redirect modes of fetch and a resetAfter in retry', () => {
    createEventStream('/s', { redirect: 'error', retry: { resetAfter: 10_000 } })
    // @ts-expect-error not a redirect mode
    createEventStream('/s', { redirect: 'never' })
  })
})
