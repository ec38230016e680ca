import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDecoder, PendingDecode } from '../../src/core/delivery/decode'
import { EventStreamError } from '../../src/core/errors'

function decodeError(run: () => unknown): EventStreamError {
  try {
    run()
  } catch (error) {
    if (error instanceof EventStreamError) return error
    throw error
  }
  throw new Error('expected a decode error')
}

describe('decoders', () => {
  it('parses JSON by default', () => {
    expect(createDecoder()('message', '{"a":[1,2]}')).toEqual({ a: [1, 2] })
  })

  it('reports invalid JSON as a decode error carrying the event', () => {
    const error = decodeError(() => createDecoder('json')('tick', '{oops'))
    expect(error.code).toBe('decode')
    expect(error.event).toEqual({ type: 'tick', raw: '{oops' })
    expect(error.message).toMatch(/Could not decode "tick" event "\{oops": invalid JSON/)
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  it("keeps the raw string with 'text'", () => {
    expect(createDecoder('text')('message', ' not json\nline 2')).toBe(' not json\nline 2')
  })

  it('calls a decode function with the raw data and the event type', () => {
    const decode = createDecoder((raw, type) => `${type}:${raw.length}`)
    expect(decode('ping', 'abc')).toBe('ping:3')
  })

  it('turns a throwing decode function into a decode error', () => {
    const error = decodeError(() =>
      createDecoder(() => {
        throw new RangeError('bad')
      })('message', 'x'),
    )
    expect(error.code).toBe('decode')
    expect(error.cause).toBeInstanceOf(RangeError)
  })

  it('decodes per event type with a map and keeps unmapped types as raw text', () => {
    const decode = createDecoder<{ n: number; s: string }>({ n: Number })
    expect(decode('n', '42')).toBe(42)
    expect(decode('other', '{"x":1}')).toBe('{"x":1}')
  })

  it('validates the JSON of an event with a zod schema', () => {
    const decode = createDecoder({ tick: z.object({ n: z.number() }) })
    expect(decode('tick', '{"n":1,"extra":true}')).toEqual({ n: 1 })
    const error = decodeError(() => decode('tick', '{"n":"one"}'))
    expect(error.code).toBe('decode')
    expect(error.message).toMatch(/schema validation failed/)
    expect(Array.isArray(error.cause)).toBe(true)
  })

  it('validates with a valibot schema', () => {
    const decode = createDecoder({ chat: v.object({ text: v.string() }) })
    expect(decode('chat', '{"text":"hi"}')).toEqual({ text: 'hi' })
    expect(decodeError(() => decode('chat', '{"text":1}')).code).toBe('decode')
  })

  it('returns a pending result for async schemas that rejects with a decode error', async () => {
    const decode = createDecoder({ n: z.number().refine(async (n) => n > 0, 'positive') })
    const ok = decode('n', '5')
    expect(ok).toBeInstanceOf(PendingDecode)
    await expect((ok as PendingDecode).promise).resolves.toBe(5)
    const bad = decode('n', '-5') as PendingDecode
    await expect(bad.promise).rejects.toMatchObject({ code: 'decode', event: { type: 'n', raw: '-5' } })
  })

  it('rejects an invalid decode option at once', () => {
    expect(() => createDecoder('yaml' as never)).toThrow(/`decode` must be/)
    expect(() => createDecoder({ x: 42 } as never)).toThrow(
      /`decode.x` must be a function or a Standard Schema/,
    )
  })
})
