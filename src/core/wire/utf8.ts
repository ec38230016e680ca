const BOM = 0xfeff

/**
 * A streaming UTF-8 decoder for response bodies: strips one BOM at the very start of the stream, replaces
 * invalid bytes with U+FFFD and keeps a multi-byte character split across chunks intact.
 *
 * The BOM is stripped here, not by `TextDecoder`: runtimes disagree on when a streaming decoder is "at the
 * start" (Node 24 strips a second BOM after an empty chunk that follows the first byte of the first).
 */
export function createUtf8Decoder(): (bytes: Uint8Array) => string {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  const options = { stream: true }
  let atStart = true
  return (bytes) => {
    const text = decoder.decode(bytes, options)
    if (!atStart || text === '') return text
    atStart = false
    return text.charCodeAt(0) === BOM ? text.slice(1) : text
  }
}
