const BOM = 0xfeff
const STREAM = { stream: true }

/**
 * A streaming UTF-8 decoder for response bodies: strips one BOM at the very start of the stream, replaces
 * invalid bytes with U+FFFD and keeps a multi-byte character split across chunks intact. A class: `decode`
 * runs for every chunk, and every body shares its code (see `keepShape`).
 *
 * The BOM is stripped here, not by `TextDecoder`: runtimes disagree on when a streaming decoder is "at the
 * start" (Node 24 strips a second BOM after an empty chunk that follows the first byte of the first).
 */
export class Utf8Decoder {
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  #atStart = true

  decode(bytes: Uint8Array): string {
    const text = this.#decoder.decode(bytes, STREAM)
    if (!this.#atStart || text === '') return text
    this.#atStart = false
    return text.charCodeAt(0) === BOM ? text.slice(1) : text
  }
}
