import { Utf8Decoder } from '../wire/utf8'

/** How {@link readBody} reports and is stopped. */
export interface BodyReader {
  /** Whether to go on; checked after every read. */
  active(): boolean
  /** Takes the function that cancels the body, to call when reading must stop at once. */
  onCancel(cancel: () => void): void
  /** The next piece of text, decoded from UTF-8 (a BOM at the start removed). */
  onText(text: string): void
  /**
   * Checked before every read: a promise to wait for before reading on (the consumers are backed up:
   * not reading lets TCP flow control slow the server down), or `undefined` to read at once.
   */
  ready(): Promise<void> | undefined
}

/**
 * Reads a response body to its end, or until `active()` says no. Chunks may be bytes or, from some fetch
 * polyfills, text. The cancel function it hands out also releases a body whose fetch ignores the abort
 * signal.
 */
export async function readBody(body: ReadableStream<Uint8Array | string>, reader: BodyReader): Promise<void> {
  const source = body.getReader()
  reader.onCancel(() => {
    try {
      source.cancel().catch(() => {})
    } catch {
      // a reader whose cancel() throws has nothing left to release
    }
  })
  const decoder = new Utf8Decoder()
  while (true) {
    const wait = reader.ready()
    if (wait) {
      await wait
      if (!reader.active()) return
    }
    const { done, value } = await source.read()
    if (done || !reader.active()) return
    reader.onText(typeof value === 'string' ? value : decoder.decode(value))
  }
}
