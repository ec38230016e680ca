import { describe, expect, it } from 'vitest'
import { createParser } from '../../src/core/wire/parse'
import { Utf8Decoder } from '../../src/core/wire/utf8'
import {
  decodeByteByByte,
  decodeChunks,
  decodeInChunksOf,
  type ParseOutcome,
  parseChunks,
  randomCuts,
  splitText,
  toBytes,
} from '../fixtures/parserHarness'
import { type ParserVector, parserVectors } from '../fixtures/parserVectors'
import { mulberry32 } from '../helpers/random'

/** Set PARSE_SEED to replay a failure; the seed of each run is in the failure message. */
const baseSeed = Number(process.env.PARSE_SEED ?? Math.floor(Math.random() * 2 ** 32))
const RANDOM_SPLITS = 20
const MiB = 1024 * 1024

function optionsOf(vector: ParserVector) {
  return vector.initialLastEventId === undefined ? {} : { lastEventId: vector.initialLastEventId }
}

function expectVector(vector: ParserVector, outcome: ParseOutcome, message?: string): void {
  expect(outcome.events, message).toEqual(vector.events)
  expect(outcome.retries, message).toEqual(vector.retries ?? [])
  expect(outcome.lastEventId, message).toBe(vector.lastEventId)
}

describe('the parser against the spec vectors', () => {
  it('has at least 70 vectors with unique names', () => {
    expect(parserVectors.length).toBeGreaterThanOrEqual(70)
    expect(new Set(parserVectors.map((vector) => vector.name)).size).toBe(parserVectors.length)
  })

  describe.each(parserVectors)('$name', (vector) => {
    const options = optionsOf(vector)
    const input = toBytes(vector.input)
    const whole = () => parseChunks(decodeChunks(input, []), options)

    it('gives the expected events when fed whole', () => {
      expectVector(vector, whole())
    })

    it('gives the same outcome when fed byte by byte', () => {
      const outcome = parseChunks(decodeByteByByte(input), options)
      expectVector(vector, outcome)
      expect(outcome).toEqual(whole())
    })

    it('gives the same outcome for 20 random byte splits', () => {
      const expected = whole()
      for (let run = 0; run < RANDOM_SPLITS; run++) {
        const seed = (baseSeed + run) >>> 0
        const cuts = randomCuts(input.length, mulberry32(seed))
        const message = `PARSE_SEED=${baseSeed} run ${run} (seed ${seed}), byte cuts at ${cuts.join(',')}`
        const outcome = parseChunks(decodeChunks(input, cuts), options)
        expectVector(vector, outcome, message)
        expect(outcome, message).toEqual(expected)
      }
    })

    it('gives the same outcome for 20 random splits of the decoded text', () => {
      const expected = whole()
      const text = [...decodeChunks(input, [])].join('')
      for (let run = 0; run < RANDOM_SPLITS; run++) {
        const seed = (baseSeed + 1000 + run) >>> 0
        const cuts = randomCuts(text.length, mulberry32(seed))
        const message = `PARSE_SEED=${baseSeed} run ${run} (seed ${seed}), text cuts at ${cuts.join(',')}`
        expect(parseChunks(splitText(text, cuts), options), message).toEqual(expected)
      }
    })
  })
})

describe('line ends across chunks', () => {
  it('treats a CR at the end of a chunk and an LF at the start of the next as one line end', () => {
    const outcome = parseChunks(['data: a\r', '\ndata: b\r', '\n\r', '\n'])
    expect(outcome.events).toEqual([['message', 'a\nb', '']])
  })

  it('keeps waiting for the LF of a CRLF across an empty chunk', () => {
    const outcome = parseChunks(['data: a\r', '', '\ndata: b\n\n'])
    expect(outcome.events).toEqual([['message', 'a\nb', '']])
  })

  it('starts a new line when a chunk after a CR does not begin with LF', () => {
    const outcome = parseChunks(['data: a\r', 'data: b\n\n'])
    expect(outcome.events).toEqual([['message', 'a\nb', '']])
  })

  it('reads a CR after a chunk-final CR as a blank line', () => {
    const outcome = parseChunks(['data: a\r', '\rdata: b\n\n'])
    expect(outcome.events).toEqual([
      ['message', 'a', ''],
      ['message', 'b', ''],
    ])
  })

  it('joins a field name split across chunks', () => {
    const outcome = parseChunks(['da', 'ta', ': x', '\n', '\n'])
    expect(outcome.events).toEqual([['message', 'x', '']])
  })
})

describe('Utf8Decoder', () => {
  it('strips a BOM split across chunks', () => {
    const decoder = new Utf8Decoder()
    const text = [[0xef], [0xbb], [0xbf, 0x61]].map((part) => decoder.decode(Uint8Array.from(part))).join('')
    expect(text).toBe('a')
  })

  it('strips only the first BOM, also when empty chunks come between its bytes (Node 24 stripped two)', () => {
    const decoder = new Utf8Decoder()
    const parts = [[0xef], [], [0xbb, 0xbf], [], [0xef, 0xbb, 0xbf, 0x61]]
    const text = parts.map((part) => decoder.decode(Uint8Array.from(part))).join('')
    expect(text).toBe('\ufeffa')
  })

  it('strips the BOM of each new decoder', () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])
    expect(new Utf8Decoder().decode(bom)).toBe('a')
    expect(new Utf8Decoder().decode(bom)).toBe('a')
  })

  it('keeps a character split across chunks whole', () => {
    const decoder = new Utf8Decoder()
    const bytes = new TextEncoder().encode('😀')
    expect([
      decoder.decode(bytes.subarray(0, 1)),
      decoder.decode(bytes.subarray(1, 3)),
      decoder.decode(bytes.subarray(3)),
    ]).toEqual(['', '', '😀'])
  })
})

describe('the resume point', () => {
  it('starts from the lastEventId option and keeps it while nothing is dispatched', () => {
    const ids: string[] = []
    const outcome = parseChunks(['id: other\ndata: lost'], { lastEventId: 'resume' })
    expect(outcome.lastEventId).toBe('resume')
    createParser({ onEvent: (_type, _data, id) => ids.push(id) }, { lastEventId: 'resume' }).feed(
      'data: x\n\n',
    )
    expect(ids).toEqual(['resume'])
  })

  it('reports a too-large event once, as soon as it passes the limit', () => {
    const tooLarge: string[] = []
    const parser = createParser(
      { onEvent: () => {}, onTooLarge: (type) => tooLarge.push(type) },
      { maxEventSize: 50 },
    )
    parser.feed('event: big\n')
    parser.feed(`data: ${'x'.repeat(100)}`)
    expect(tooLarge).toEqual(['big'])
    parser.feed(`${'x'.repeat(100)}\ndata: more\n\n`)
    expect(tooLarge).toEqual(['big'])
  })
})

describe('callbacks', () => {
  it('works with only onEvent', () => {
    const events: string[] = []
    const parser = createParser({ onEvent: (_type, data) => events.push(data) }, { maxEventSize: 10 })
    parser.feed(': c\nretry: 5\nid: 1\n\ndata: x\n\ndata: way too large for ten\n\n')
    expect(events).toEqual(['x'])
  })

  it('reports each change of the last event ID once, also for blocks without data', () => {
    const outcome = parseChunks(['id: 1\ndata: a\n\nid: 1\ndata: b\n\nid: 2\n\nid\n\n\n'])
    expect(outcome.lastEventIds).toEqual(['1', '2', ''])
  })

  it('does not report an id before its block is dispatched', () => {
    expect(parseChunks(['id: 1\ndata: a\n']).lastEventIds).toEqual([])
  })
})

describe('maxEventSize', () => {
  const big = 'x'.repeat(1000)
  const input = `id: 5\nevent: big\ndata: ${big}\n\nevent: small\ndata: ok\n\n`

  it('drops a too-large event, reports it and parses the next one', () => {
    const outcome = parseChunks([input], { maxEventSize: 500 })
    expect(outcome.events).toEqual([['small', 'ok', '5']])
    expect(outcome.tooLarge).toEqual([['big', big.slice(0, 256)]])
  })

  it('counts the id of the too-large event', () => {
    const outcome = parseChunks([input], { maxEventSize: 500 })
    expect(outcome.lastEventIds).toEqual(['5'])
    expect(outcome.lastEventId).toBe('5')
  })

  it('drops an event whose data lines add up to more than the limit', () => {
    const line = `data: ${'y'.repeat(100)}\n`
    const outcome = parseChunks([`${line.repeat(6)}\ndata: next\n\n`], { maxEventSize: 500 })
    expect(outcome.events).toEqual([['message', 'next', '']])
    expect(outcome.tooLarge.map(([type]) => type)).toEqual(['message'])
  })

  it('keeps an event whose data and line fit', () => {
    const outcome = parseChunks([`data: ${'z'.repeat(494)}\n\n`], { maxEventSize: 500 })
    expect(outcome.events).toEqual([['message', 'z'.repeat(494), '']])
    expect(outcome.tooLarge).toEqual([])
  })

  it('counts the data as `raw` has it, not the field name: exactly the limit passes, one more fails', () => {
    const atLimit = parseChunks([`data: ${'z'.repeat(500)}\n\n`], { maxEventSize: 500 })
    expect(atLimit.events.map(([, data]) => data.length)).toEqual([500])
    const over = parseChunks([`data: ${'z'.repeat(250)}\ndata: ${'z'.repeat(250)}\n\n`], {
      maxEventSize: 500,
    })
    expect(over.events).toEqual([]) // 250 + LF + 250 = 501
    expect(over.tooLarge.map(([type]) => type)).toEqual(['message'])
  })

  it('counts any other line by its whole length, so that an endless line of any field is caught', () => {
    const outcome = parseChunks([`event: ${'e'.repeat(600)}`], { maxEventSize: 500 })
    expect(outcome.tooLarge.map(([type]) => type)).toEqual(['message'])
  })

  it('decides the same in every chunking, byte by byte and near the limit', () => {
    // The last data line is 5 characters longer than what it adds to the data ("data: " minus the LF).
    for (const dataLength of [494, 495, 496, 500, 501]) {
      const text = `id: 1\ndata: ${'a'.repeat(200)}\ndata: ${'b'.repeat(dataLength - 201)}\n\ndata: next\n\n`
      const bytes = toBytes(text)
      const whole = parseChunks([text], { maxEventSize: 500 })
      expect(whole.events.length + whole.tooLarge.length, `data length ${dataLength}`).toBe(2)
      const byteByByte = parseChunks(decodeByteByByte(bytes), { maxEventSize: 500 })
      expect(byteByByte, `data length ${dataLength}, byte by byte`).toEqual(whole)
      for (let run = 0; run < RANDOM_SPLITS; run++) {
        const seed = (baseSeed + 2000 + run) >>> 0
        const cuts = randomCuts(bytes.length, mulberry32(seed))
        const message = `data length ${dataLength}, PARSE_SEED=${baseSeed} (seed ${seed}), cuts at ${cuts.join(',')}`
        expect(parseChunks(decodeChunks(bytes, cuts), { maxEventSize: 500 }), message).toEqual(whole)
      }
    }
  })

  it('drops a 10 MiB line fed in 64 KiB chunks without keeping it', () => {
    const bytes = toBytes(`data: ${'x'.repeat(10 * MiB)}\n\ndata: after\n\n`)
    const outcome = parseChunks(decodeInChunksOf(bytes, 64 * 1024), { maxEventSize: MiB })
    expect(outcome.events).toEqual([['message', 'after', '']])
    expect(outcome.tooLarge).toEqual([['message', 'x'.repeat(256)]])
  })
})

describe('large input', () => {
  /** About `size` bytes of mostly ASCII text with some 3- and 4-byte characters for chunks to cut apart. */
  function bigEvent(size: number) {
    const pattern = 'abcdefghijklmnopqrstuvwxyz€😀' // 33 bytes
    const data = pattern.repeat(Math.ceil(size / 33))
    return { data, bytes: toBytes(`data: ${data}\n\ndata: next\n\n`) }
  }

  it('parses a 10 MiB single-line event fed in 64 KiB chunks', () => {
    const { data, bytes } = bigEvent(10 * MiB)
    const outcome = parseChunks(decodeInChunksOf(bytes, 64 * 1024))
    expect(outcome.events).toEqual([
      ['message', data, ''],
      ['message', 'next', ''],
    ])
  })

  // A few seconds each on a busy machine (decoding a chunk costs about a microsecond): allow more than the
  // default 10 s. A parser that copied the partial line for every chunk would need hours.
  it('parses a 10 MiB single-line event fed in 7-byte chunks', { timeout: 60_000 }, () => {
    const { data, bytes } = bigEvent(10 * MiB)
    const outcome = parseChunks(decodeInChunksOf(bytes, 7))
    expect(outcome.events).toEqual([
      ['message', data, ''],
      ['message', 'next', ''],
    ])
  })

  it('parses a 1 MiB single-line event fed byte by byte', { timeout: 60_000 }, () => {
    const { data, bytes } = bigEvent(MiB)
    const outcome = parseChunks(decodeByteByByte(bytes))
    expect(outcome.events).toEqual([
      ['message', data, ''],
      ['message', 'next', ''],
    ])
  })

  it('parses a chunk of a million colon-less data lines without rescanning it', () => {
    let count = 0
    const parser = createParser({
      onEvent: () => {
        count++
      },
    })
    parser.feed('data\n\n'.repeat(1_000_000))
    expect(count).toBe(1_000_000)
  })

  it('parses 100 000 events in one chunk', () => {
    const outcome = parseChunks([
      Array.from({ length: 100_000 }, (_, i) => `id:${i}\ndata:${i}\n\n`).join(''),
    ])
    expect(outcome.events).toHaveLength(100_000)
    expect(outcome.events[99_999]).toEqual(['message', '99999', '99999'])
  })
})
