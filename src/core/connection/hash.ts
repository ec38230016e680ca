/**
 * A 32-bit FNV-1a hash of `text` in base 36. Not for security: it keeps the credentials that a connection
 * key may hold out of storage keys (where only the same origin can look), and it is synchronous, so that a
 * stored position is read before the first request.
 */
export function hash(text: string): string {
  let value = 0x811c9dc5
  for (let i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 0x01000193)
  return (value >>> 0).toString(36)
}
