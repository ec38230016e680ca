// What the parser (`parse.ts`) takes and reports.

/** What the parser reports. Only `onEvent` is required. */
export interface ParserCallbacks {
  /** An event was dispatched (a blank line ended a block with at least one `data` field). */
  onEvent(type: string, data: string, lastEventId: string): void
  /** A dispatch changed the last event ID (also for blocks without data, which are not events). */
  onLastEventId?(lastEventId: string): void
  /** A valid `retry:` field (ASCII digits only). */
  onRetry?(delay: number): void
  /**
   * An event grew beyond `maxEventSize`, reported as soon as it did: it is dropped up to its blank line.
   * `type` is its type as known so far; `preview` holds the first characters of its data.
   */
  onTooLarge?(type: string, preview: string): void
}

/** Parser options. */
export interface ParserOptions {
  /** The last event ID a new stream starts from (the resume point). @defaultValue '' */
  lastEventId?: string
  /**
   * Largest event: characters of its data as `raw` has them (field names and comments do not count), or
   * of any one line. @defaultValue Infinity
   */
  maxEventSize?: number
}

/** An incremental event-stream parser. */
export interface EventStreamParser {
  /** Parses the next chunk of decoded text. */
  feed(chunk: string): void
  /** The last event ID: the resume point, updated at each dispatch. */
  readonly lastEventId: string
}
