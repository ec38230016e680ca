import { describe, expect, it } from 'vitest'
import { createEventStream, type EventStreamError, type StreamEvent } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { chooseSeed, createRandom } from '../helpers/random'
import { type Plan, startSseServer } from '../helpers/sseServer'
import { until } from '../helpers/until'

const COUNT = 5000
/** At most this many whole events per cut response, so that 5,000 events need ≥ 100 cuts. */
const MAX_EVENTS_PER_CUT = 44
const IDLE_TIMEOUT = 250
const MAX_STALLS = 4

/** Line endings rotate per event: LF, CRLF, CR. */
const eolOf = (n: number) => (['\n', '\r\n', '\r'] as const)[n % 3] as string
const lineOne = (n: number) => `${n} héllo ✓`
const lineTwo = (n: number) => `𝄞 日本語 ${n}`
const expectedRaw = (n: number) => `${lineOne(n)}\n${lineTwo(n)}`

function linesOf(n: number): string[] {
  const lines = [`id: ${n}`, 'event: tick', `data: ${lineOne(n)}`, `data: ${lineTwo(n)}`]
  if (n % 7 === 0) lines.splice(1, 0, ': a comment in the middle')
  if (n % 500 === 0) lines.splice(1, 0, 'retry: 3')
  return lines
}

function frame(n: number): string {
  const eol = eolOf(n)
  return `${linesOf(n)
    .map((line) => line + eol)
    .join('')}${eol}`
}

const CATEGORIES = ['between', 'mid-line', 'mid-event', 'before-blank', 'mid-utf8', 'cr-lf'] as const
type Category = (typeof CATEGORIES)[number]

/** A byte offset inside the frame of event `n` where a cut of `category` lands. */
function offsetIn(n: number, category: Category, pick: (min: number, max: number) => number): number {
  const eol = eolOf(n)
  const eolBytes = eol.length
  const lines = linesOf(n)
  const starts: number[] = []
  let offset = 0
  for (const line of lines) {
    starts.push(offset)
    offset += Buffer.byteLength(line) + eolBytes
  }
  const blankLine = offset
  const dataLine = lines.findIndex((line) => line.startsWith('data: '))
  const dataStart = starts[dataLine] as number
  switch (category) {
    case 'between':
      return 0
    case 'mid-line': {
      const line = pick(0, lines.length - 1)
      return (starts[line] as number) + pick(1, 4) // inside "id: ", "event", "data", the comment
    }
    case 'mid-event':
      // Right after a line that is not the last one: the event is half there.
      return (starts[pick(1, lines.length - 1)] as number) - (pick(0, 1) === 0 ? 0 : eolBytes)
    case 'before-blank':
      return blankLine // every field is there, the dispatching blank line is not
    case 'mid-utf8': {
      const first = Buffer.from(lines[dataLine] as string)
      const check = first.indexOf(Buffer.from('✓'))
      const second = Buffer.from(lines[dataLine + 1] as string)
      const clef = second.indexOf(Buffer.from('𝄞'))
      return pick(0, 1) === 0
        ? dataStart + check + pick(1, 2)
        : (starts[dataLine + 1] as number) + clef + pick(1, 3)
    }
    case 'cr-lf':
      // Between the CR and the LF of a CRLF line end (other frames: just after a line end).
      return (starts[pick(1, lines.length - 1)] as number) - (eolBytes === 2 ? 1 : 0)
  }
}

describe('chaos: a flaky server that cuts, fails and stalls', () => {
  const track = closeAfterEach()

  it('delivers 5,000 events exactly once and in order across ≥ 100 cuts, 5xx answers and stalls', async () => {
    const seed = chooseSeed()
    console.log(`chaos seed: ${seed} (reproduce with SEED=${seed} npx vitest run test/resilience/chaos)`)
    const random = createRandom(seed)
    const sizes = [0]
    for (let n = 1; n <= COUNT; n++) sizes.push(Buffer.byteLength(frame(n)))
    const before = [0] // before[n]: bytes of the events 1…n-1
    for (let n = 1; n <= COUNT + 1; n++) before.push((before[n - 1] as number) + (sizes[n - 1] as number))

    const cuts: Record<Category, number> = {
      between: 0,
      'mid-line': 0,
      'mid-event': 0,
      'before-blank': 0,
      'mid-utf8': 0,
      'cr-lf': 0,
    }
    const stops = { cut: 0, end: 0, stall: 0, http500: 0, http503: 0 }
    let retryAfterProbe = -1

    const server = track(
      await startSseServer({
        count: COUNT,
        frame,
        respond(request): Plan {
          if (request.index === 10) {
            retryAfterProbe = request.index
            stops.http503++
            return { kind: 'reply', status: 503, headers: { 'retry-after': '1' }, body: 'busy' }
          }
          const roll = random.next()
          if (roll < 0.06) {
            const status = roll < 0.03 ? 500 : 503
            stops[status === 500 ? 'http500' : 'http503']++
            return { kind: 'reply', status, headers: { 'retry-after': '0' }, body: 'Service Unavailable' }
          }
          const chunks = Array.from({ length: 8 }, () => random.int(1, 400))
          const first = request.firstEvent
          const target = first + random.int(0, MAX_EVENTS_PER_CUT)
          if (target > COUNT) return { kind: 'stream', chunks } // the rest, then stay open
          const category = CATEGORIES[random.int(0, CATEGORIES.length - 1)] as Category
          const at =
            (before[target] as number) - (before[first] as number) + offsetIn(target, category, random.int)
          cuts[category]++
          if (stops.stall < MAX_STALLS && roll < 0.09) {
            stops.stall++
            return { kind: 'stream', stallAfter: at, chunks }
          }
          if (random.next() < 0.2) {
            stops.end++
            return { kind: 'stream', endAfter: at, chunks }
          }
          stops.cut++
          return { kind: 'stream', cutAfter: at, chunks }
        },
      }),
    )

    const received: StreamEvent[] = []
    /** How many events the client had when it sent each request. */
    const receivedAtRequest: number[] = []
    const stream = track(
      createEventStream<{ tick: string }>(server.url, {
        fetch: (input, init) => {
          receivedAtRequest.push(received.length)
          return globalThis.fetch(input, init)
        },
        decode: 'text',
        retry: { initialDelay: 1, maxDelay: 20 },
        idleTimeout: IDLE_TIMEOUT,
      }),
    )
    const errors: EventStreamError[] = []
    stream.onAny((event) => received.push(event))
    stream.onError((error) => errors.push(error))
    const iterated: string[] = []
    const loop = (async () => {
      for await (const event of stream) iterated.push(event.id)
    })()

    // The server has nothing after its last event: once that arrived, a duplicate would have too.
    await until(
      () => received.at(-1)?.id === String(COUNT),
      18_000,
      `event ${COUNT} (got ${received.length})`,
    )
    stream.close()
    await loop

    const errorCodes: Record<string, number> = {}
    for (const error of errors) errorCodes[error.code] = (errorCodes[error.code] ?? 0) + 1
    const totalCuts = stops.cut + stops.end + stops.stall
    console.log(
      `chaos: ${received.length} events checked over ${server.requests.length} requests; ` +
        `${totalCuts} cuts survived (${stops.cut} dropped connections, ${stops.end} clean ends, ${stops.stall} stalls) ` +
        `at ${JSON.stringify(cuts)}; ${stops.http500}×500, ${stops.http503}×503; client errors ${JSON.stringify(errorCodes)}`,
    )

    expect(received.length).toBe(COUNT)
    for (let n = 1; n <= COUNT; n++) {
      const event = received[n - 1] as StreamEvent
      if (event.id !== String(n) || event.raw !== expectedRaw(n) || event.type !== 'tick') {
        expect.fail(
          `event #${n} is ${JSON.stringify(event)}, expected id ${n} and ${JSON.stringify(expectedRaw(n))}`,
        )
      }
    }
    expect(iterated).toEqual(received.map((event) => event.id))
    expect(totalCuts).toBeGreaterThanOrEqual(100)
    for (const category of CATEGORIES) expect(cuts[category], category).toBeGreaterThan(0)
    expect(stops.stall).toBeGreaterThan(0)
    // Every failure was seen and retried; none of them was anything but a transport problem.
    expect(Object.keys(errorCodes).sort()).toEqual(['http', 'idle-timeout', 'network'])
    // Each stall ends in an idle timeout and each dropped connection in a network error (unless, on a
    // loaded machine, the watchdog fired first); the 5xx answers are reported as they are.
    const idle = errorCodes['idle-timeout'] ?? 0
    const network = errorCodes.network ?? 0
    expect(idle).toBeGreaterThanOrEqual(stops.stall)
    expect(network).toBeLessThanOrEqual(stops.cut)
    expect(network + idle).toBeGreaterThanOrEqual(stops.cut + stops.stall)
    expect(errorCodes.http).toBe(stops.http500 + stops.http503)
    // Every request resumed exactly after the last event the client had when it sent it.
    expect(server.requests.map((request) => request.lastEventId)).toEqual(
      receivedAtRequest.map((count) => (count === 0 ? '' : String(count))),
    )
    // The 503 with Retry-After: 1 held the client back for a second.
    const probe = server.requests[retryAfterProbe] as { time: number }
    const next = server.requests[retryAfterProbe + 1] as { time: number }
    expect(next.time - probe.time).toBeGreaterThanOrEqual(950)
    expect(stream.state.status).toBe('closed')
  }, 20_000)
})
