import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ParserOptions } from '../../src/core/wire/types'
import { decodeChunks, type ParseOutcome, parseChunks, splitText, toBytes } from '../fixtures/parserHarness'

/** One block of a generated stream; only blocks with data lines are events. */
interface Block {
  data: string[]
  type?: string
  id?: string
  retry?: number
  comment?: string
  unknown?: string
  /** Whether `event`, `id` and `retry` come before the data lines. */
  fieldsFirst: boolean
}

type ColonStyle = 'space' | 'no-space' | 'bare'

/** One character of a field value: any code point but CR and LF, often one that matters to the parser. */
const valueChar = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(':', ' ', '\u0000', '\uFEFF', '\uFFFD', 'é', '中', '😀', 'data: '),
    },
  )
  .map((char) => (char === '\r' || char === '\n' ? ' ' : char))
const value = fc.string({ unit: valueChar, maxLength: 12 })

const block: fc.Arbitrary<Block> = fc.record(
  {
    data: fc.array(value, { maxLength: 4 }),
    type: value,
    id: value.map((id) => id.replaceAll('\u0000', '')),
    retry: fc.nat(),
    comment: value,
    unknown: value,
    fieldsFirst: fc.boolean(),
  },
  { requiredKeys: ['data', 'fieldsFirst'] },
)

const stream = fc.record({
  blocks: fc.array(block, { maxLength: 8 }),
  lineEnds: fc.array(fc.constantFrom('\n', '\r', '\r\n'), { minLength: 1, maxLength: 4 }),
  colonStyles: fc.array(fc.constantFrom<ColonStyle>('space', 'no-space', 'bare'), {
    minLength: 1,
    maxLength: 3,
  }),
})

/** Cut points as fractions of the input, so that they fit whatever length it gets. */
const cutFractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 24 })

function cutsAt(length: number, fractions: readonly number[]): number[] {
  return fractions.map((fraction) => Math.floor(fraction * length)).sort((a, b) => a - b)
}

/** Writes the blocks as an event stream, cycling through the line ends and colon styles. */
function serialize(
  blocks: readonly Block[],
  lineEnds: readonly string[],
  colonStyles: readonly ColonStyle[],
) {
  let lineCount = 0
  let fieldCount = 0
  let text = ''
  const line = (content: string) => {
    let end = lineEnds[lineCount++ % lineEnds.length]
    // A blank line's LF right after a CR would make a CRLF with it: one line end, not two.
    if (content === '' && end === '\n' && text.endsWith('\r')) end = '\r\n'
    text += content + end
  }
  const field = (name: string, fieldValue: string) => {
    const style = colonStyles[fieldCount++ % colonStyles.length]
    if (style === 'bare' && fieldValue === '') line(name)
    else if (style === 'no-space' && !fieldValue.startsWith(' ')) line(`${name}:${fieldValue}`)
    else line(`${name}: ${fieldValue}`)
  }
  for (const { data, type, id, retry, comment, unknown, fieldsFirst } of blocks) {
    const fields = () => {
      if (type !== undefined) field('event', type)
      if (id !== undefined) field('id', id)
      if (retry !== undefined) field('retry', String(retry))
    }
    if (comment !== undefined) line(`:${comment}`)
    if (fieldsFirst) fields()
    for (const dataLine of data) field('data', dataLine)
    if (unknown !== undefined) field('x-unknown', unknown)
    if (!fieldsFirst) fields()
    line('')
  }
  return text
}

/** What the spec says the blocks produce. */
function expectedOutcome(blocks: readonly Block[]) {
  let lastEventId = ''
  const events: Array<readonly [string, string, string]> = []
  const retries: number[] = []
  const comments: string[] = []
  for (const { data, type, id, retry, comment } of blocks) {
    if (comment !== undefined) comments.push(comment)
    if (retry !== undefined) retries.push(retry)
    if (id !== undefined) lastEventId = id
    if (data.length > 0) events.push([type || 'message', data.join('\n'), lastEventId])
  }
  return { events, retries, comments, lastEventId }
}

/** The outcome without previews, which may be cut shorter when a chunk ends early in a too-large line. */
function withoutPreviews(outcome: ParseOutcome) {
  return { ...outcome, tooLarge: outcome.tooLarge.map(([type]) => type) }
}

const maxEventSize = fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined })

function optionsWith(size: number | undefined): ParserOptions {
  return size === undefined ? {} : { maxEventSize: size }
}

describe('the parser on generated streams', () => {
  it('parses serialized events back exactly, however the bytes are split', () => {
    fc.assert(
      fc.property(stream, cutFractions, ({ blocks, lineEnds, colonStyles }, fractions) => {
        const bytes = toBytes(serialize(blocks, lineEnds, colonStyles))
        const outcome = parseChunks(decodeChunks(bytes, cutsAt(bytes.length, fractions)))
        const expected = expectedOutcome(blocks)
        expect(outcome.events).toEqual(expected.events)
        expect(outcome.retries).toEqual(expected.retries)
        expect(outcome.lastEventId).toBe(expected.lastEventId)
        expect(outcome.tooLarge).toEqual([])
      }),
      { numRuns: 300 },
    )
  })

  it('gives the same outcome with maxEventSize whole and split, previews included from 262 characters', () => {
    const longValue = fc.tuple(value, fc.nat({ max: 600 })).map(([text, repeat]) => text.repeat(repeat))
    const longBlocks = fc.array(
      fc.record(
        {
          data: fc.array(fc.oneof(value, longValue), { maxLength: 4 }),
          id: value.map((id) => id.replaceAll('\u0000', '')),
          comment: fc.oneof(value, longValue),
          fieldsFirst: fc.boolean(),
        },
        { requiredKeys: ['data', 'fieldsFirst'] },
      ),
      { maxLength: 6 },
    )
    fc.assert(
      fc.property(
        longBlocks,
        fc.integer({ min: 262, max: 2000 }),
        cutFractions,
        (blocks, size, fractions) => {
          const bytes = toBytes(serialize(blocks, ['\n', '\r\n'], ['space']))
          const whole = parseChunks(decodeChunks(bytes, []), { maxEventSize: size })
          const split = parseChunks(decodeChunks(bytes, cutsAt(bytes.length, fractions)), {
            maxEventSize: size,
          })
          expect(split).toEqual(whole)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('the parser on arbitrary input', () => {
  /** Pieces that make up lines the parser cares about, heavy in line ends. */
  const lineHeavy = fc.string({
    unit: fc.constantFrom(
      '\r',
      '\n',
      '\r\n',
      ':',
      ' ',
      'data',
      'id',
      'event',
      'retry',
      '1',
      'x',
      '\u0000',
      '\uFEFF',
      '😀',
      '\uD83D',
      'é',
    ),
    maxLength: 200,
  })

  /** Lines shaped like fields, some long, with every kind of line end between them. */
  const fieldLine = fc
    .tuple(
      fc.constantFrom('data', 'id', 'event', 'retry', 'Data', 'data ', 'x', ''),
      fc.constantFrom(':', ': ', ':  ', ''),
      fc.oneof(
        value,
        fc.nat({ max: 120 }).map((length) => 'x'.repeat(length)),
        fc.nat({ max: 99_999 }).map(String),
      ),
      fc.constantFrom('\n', '\r', '\r\n', '\n\n', '\r\n\r\n', '\r\r'),
    )
    .map((parts) => parts.join(''))
  const fieldLines = fc.array(fieldLine, { maxLength: 30 }).map((lines) => lines.join(''))
  const lineText = fc.oneof(lineHeavy, fieldLines)

  it('never throws on arbitrary bytes, and splitting them changes nothing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), cutFractions, maxEventSize, (bytes, fractions, size) => {
        const whole = parseChunks(decodeChunks(bytes, []), optionsWith(size))
        const split = parseChunks(decodeChunks(bytes, cutsAt(bytes.length, fractions)), optionsWith(size))
        expect(withoutPreviews(split)).toEqual(withoutPreviews(whole))
      }),
      { numRuns: 300 },
    )
  })

  it('never throws on arbitrary strings, lone surrogates included', () => {
    const anyUnit = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    })
    fc.assert(
      fc.property(fc.oneof(anyUnit, fc.string({ unit: 'binary' }), lineText), maxEventSize, (text, size) => {
        expect(() => parseChunks([text], optionsWith(size))).not.toThrow()
      }),
      { numRuns: 300 },
    )
  })

  it('gives the same outcome for CR/LF-heavy text fed whole and in any split', () => {
    fc.assert(
      fc.property(lineText, cutFractions, maxEventSize, (text, fractions, size) => {
        const whole = parseChunks([text], optionsWith(size))
        const split = parseChunks(splitText(text, cutsAt(text.length, fractions)), optionsWith(size))
        expect(withoutPreviews(split)).toEqual(withoutPreviews(whole))
      }),
      { numRuns: 500 },
    )
  })

  it('gives the same outcome for CR/LF-heavy text fed whole and one code unit at a time', () => {
    fc.assert(
      fc.property(lineText, (text) => {
        expect(parseChunks(text.split(''))).toEqual(parseChunks([text]))
      }),
      { numRuns: 300 },
    )
  })
})
