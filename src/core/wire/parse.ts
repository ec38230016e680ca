/**
 * An incremental `text/event-stream` parser, exactly the WHATWG HTML "interpret an event stream"
 * algorithm: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 *
 * Pure: no I/O, no timers. It takes decoded text in chunks of any size (see `utf8.ts`
 * for bytes) and calls back with plain arguments, so parsing allocates nothing per line beyond the
 * strings an event carries. It scans each chunk once with `indexOf`, so a line split across thousands
 * of chunks stays linear.
 */

import { keepShape } from '../keepShape'
import { COLON, eventSizeWith, isDataField, isEventField, isIdField, previewOf, valueStart } from './lines'
import type { EventStreamParser, ParserCallbacks, ParserOptions } from './types'

const LF = 10
const CR = 13

/** Creates an incremental parser. */
export function createParser(callbacks: ParserCallbacks, options: ParserOptions = {}): EventStreamParser {
  return new Parser(callbacks, options)
}

/** Callbacks that ignore what the parser reports. */
const IGNORE: ParserCallbacks = { onEvent() {} }

/**
 * A class, not a closure factory: every attempt makes a parser, and V8 would optimise a new parser's closures
 * anew; a method is optimised once for every parser (`keepShape` keeps that code between streams).
 */
class Parser implements EventStreamParser {
  readonly #callbacks: ParserCallbacks
  readonly #onLastEventId: ParserCallbacks['onLastEventId']
  readonly #maxEventSize: number
  #lastEventId: string
  /** The `id` field value waiting for dispatch (the spec's "last event ID buffer"). */
  #idBuffer: string
  #data = ''
  #hasData = false
  #eventType = ''
  /** Text of a line whose end has not arrived yet. */
  #partialLine = ''
  /** A chunk ended with CR: an LF at the start of the next one belongs to it. */
  #skipLeadingLF = false
  /** The event being read went over `maxEventSize` (and was reported): its data is dropped until the blank line. */
  #tooLarge = false
  /** The line being read made the event too large: drop it up to its end. */
  #skippingLine = false

  constructor(callbacks: ParserCallbacks, options: ParserOptions) {
    this.#callbacks = callbacks
    this.#onLastEventId = callbacks.onLastEventId
    this.#maxEventSize = options.maxEventSize ?? Number.POSITIVE_INFINITY
    this.#lastEventId = options.lastEventId ?? ''
    this.#idBuffer = this.#lastEventId
    keepShape(Parser, () => new Parser(IGNORE, {}))
  }

  get lastEventId(): string {
    return this.#lastEventId
  }

  feed(chunk: string): void {
    const length = chunk.length
    let position = 0
    if (this.#skipLeadingLF && length > 0) {
      this.#skipLeadingLF = false
      if (chunk.charCodeAt(0) === LF) position = 1
    }
    // Most streams end lines with LF alone: then one indexOf per line finds them. (V8 runs the loop
    // below, which also tracks the next CR, several times slower on such chunks.)
    if (chunk.indexOf('\r', position) === -1) {
      let lineEnd = chunk.indexOf('\n', position)
      if (lineEnd !== -1 && (this.#partialLine !== '' || this.#skippingLine)) {
        this.#takeLine(chunk, position, lineEnd)
        position = lineEnd + 1
        lineEnd = chunk.indexOf('\n', position)
      }
      while (lineEnd !== -1) {
        // `#takeLine` without its checks for a partial or skipped line (only the first line can be one), and
        // `#processLine` inline for the usual fields, with a one-line event (`data: …` then a blank line)
        // dispatched without going through the data buffer.
        if (lineEnd === position) this.#dispatch()
        else if (this.#data.length + lineEnd - position > this.#maxEventSize)
          this.#takeLine(chunk, position, lineEnd)
        else if (isDataField(chunk, position)) {
          const value = chunk.slice(valueStart(chunk, position + 5), lineEnd)
          // (The index is checked first: V8 calls out for every `charCodeAt` of a call site that has read
          // past the end once, here at the end of every chunk.)
          if (
            !this.#hasData &&
            !this.#tooLarge &&
            lineEnd + 1 < length &&
            chunk.charCodeAt(lineEnd + 1) === LF
          ) {
            this.#dispatchData(value)
            lineEnd++
          } else this.#appendData(value)
        } else if (isIdField(chunk, position))
          this.#setId(chunk.slice(valueStart(chunk, position + 3), lineEnd))
        else if (isEventField(chunk, position))
          this.#eventType = chunk.slice(valueStart(chunk, position + 6), lineEnd)
        else this.#processLine(chunk, position, lineEnd)
        position = lineEnd + 1
        lineEnd = chunk.indexOf('\n', position)
      }
      if (position < length) this.#appendPartialLine(chunk, position)
      return
    }
    // Next CR and LF at or after `position`; -1 when none is left in this chunk.
    let nextLF = chunk.indexOf('\n', position)
    let nextCR = chunk.indexOf('\r', position)
    while (position < length) {
      if (nextLF !== -1 && nextLF < position) nextLF = chunk.indexOf('\n', position)
      if (nextCR !== -1 && nextCR < position) nextCR = chunk.indexOf('\r', position)
      const lineEnd = nextCR === -1 ? nextLF : nextLF === -1 ? nextCR : Math.min(nextCR, nextLF)
      if (lineEnd === -1) {
        this.#appendPartialLine(chunk, position)
        return
      }
      this.#takeLine(chunk, position, lineEnd)
      position = lineEnd + 1
      if (chunk.charCodeAt(lineEnd) === CR) {
        if (position === length) this.#skipLeadingLF = true
        else if (chunk.charCodeAt(position) === LF) position++
      }
    }
  }

  /** Handles the line that ends at `lineEnd`: `chunk[position, lineEnd)`, after any partial line. */
  #takeLine(chunk: string, position: number, lineEnd: number): void {
    if (this.#skippingLine) {
      this.#skippingLine = false
      return
    }
    // A cheap upper bound first (it counts field names too): only lines near the limit are measured.
    if (this.#data.length + this.#partialLine.length + lineEnd - position > this.#maxEventSize) {
      const line = this.#partialLine + chunk.slice(position, lineEnd)
      this.#partialLine = ''
      // A comment this long is dropped, as `#appendPartialLine` drops it when it arrives in pieces.
      if (line.charCodeAt(0) === COLON) return
      if (eventSizeWith(line, this.#data, this.#hasData) > this.#maxEventSize) this.#markTooLarge(line)
      else this.#processLine(line, 0, line.length)
    } else if (this.#partialLine === '') {
      this.#processLine(chunk, position, lineEnd)
    } else {
      // With its line break: the field checks may read one character past the line (see lines.ts).
      const line = this.#partialLine + chunk.slice(position, lineEnd + 1)
      this.#partialLine = ''
      this.#processLine(line, 0, line.length - 1)
    }
  }

  #appendPartialLine(chunk: string, position: number): void {
    if (this.#skippingLine) return
    this.#partialLine += position === 0 ? chunk : chunk.slice(position)
    if (this.#data.length + this.#partialLine.length <= this.#maxEventSize) return
    // A comment (padding, heartbeat) belongs to no event: drop the rest of its line quietly. Any other
    // line is measured as it grows, so that an endless line is reported before its end ever comes.
    const comment = this.#partialLine.charCodeAt(0) === COLON
    if (!comment && eventSizeWith(this.#partialLine, this.#data, this.#hasData) <= this.#maxEventSize) return
    if (!comment) this.#markTooLarge(this.#partialLine)
    this.#partialLine = ''
    this.#skippingLine = true
  }

  /**
   * `line` pushed the event over the limit: report it now (the type is the one known so far), then
   * drop the event's data up to its blank line.
   */
  #markTooLarge(line: string): void {
    if (!this.#tooLarge) {
      this.#tooLarge = true
      const type = this.#eventType === '' ? 'message' : this.#eventType
      this.#callbacks.onTooLarge?.(type, previewOf(line, this.#data, this.#hasData))
    }
    this.#data = ''
    this.#hasData = false
  }

  /** Interprets `text[start, end)` as one line. */
  #processLine(text: string, start: number, end: number): void {
    if (start === end) this.#dispatch()
    else if (isDataField(text, start)) this.#appendData(text.slice(valueStart(text, start + 5), end))
    else if (isEventField(text, start)) this.#eventType = text.slice(valueStart(text, start + 6), end)
    else if (isIdField(text, start)) this.#setId(text.slice(valueStart(text, start + 3), end))
    else this.#processOtherLine(text, start, end)
  }

  /** A line that is not `data:`, `event:` or `id:`: a comment, `retry`, or a field of another shape. */
  #processOtherLine(text: string, start: number, end: number): void {
    // Look for the colon within this line only: `indexOf` would scan the rest of the chunk for every
    // line without one, quadratic in a chunk of `data` lines.
    let nameEnd = start
    while (nameEnd < end && text.charCodeAt(nameEnd) !== COLON) nameEnd++
    if (nameEnd === start) return // a comment
    const value = nameEnd === end ? '' : text.slice(valueStart(text, nameEnd + 1), end)
    const name = text.slice(start, nameEnd)
    if (name === 'data') this.#appendData(value)
    else if (name === 'event') this.#eventType = value
    else if (name === 'id') this.#setId(value)
    // Only ASCII digits count (`\d` is [0-9] in JavaScript); `retry` lines are rare, so a regex is fine.
    else if (name === 'retry' && /^\d+$/.test(value)) this.#callbacks.onRetry?.(Number.parseInt(value, 10))
  }

  #appendData(value: string): void {
    if (this.#tooLarge) return
    if (this.#hasData) this.#data += `\n${value}`
    else {
      this.#data = value
      this.#hasData = true
    }
  }

  #setId(value: string): void {
    if (!value.includes('\0')) this.#idBuffer = value
  }

  /**
   * A blank line: dispatches the event read so far, if it has data. (A too-large event has none: its data
   * was dropped, and it was reported, when it tripped.)
   */
  #dispatch(): void {
    const eventData = this.#hasData ? this.#data : undefined
    this.#data = ''
    this.#hasData = false
    this.#tooLarge = false
    this.#dispatchData(eventData)
  }

  /** Ends the event being read: updates the last event ID and emits `eventData` (`undefined`: no event). */
  #dispatchData(eventData: string | undefined): void {
    // Without a listener for changes (the reader reads `lastEventId`) it is a write, without a comparison.
    const changed = this.#onLastEventId !== undefined && this.#idBuffer !== this.#lastEventId
    this.#lastEventId = this.#idBuffer
    if (changed) this.#onLastEventId?.(this.#lastEventId)
    const type = this.#eventType === '' ? 'message' : this.#eventType
    this.#eventType = ''
    if (eventData !== undefined) this.#callbacks.onEvent(type, eventData, this.#lastEventId)
  }
}

export type { EventStreamParser, ParserCallbacks, ParserOptions } from './types'
