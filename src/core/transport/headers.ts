import { kindOf } from '../errors'

/**
 * `init` as `Headers`, or a `TypeError` that names the invalid header but never quotes a value (values
 * are often tokens, and the platform's own message quotes them). `source` says where `init` came from.
 */
export function toHeaders(init: unknown, source: string): Headers {
  const expected = 'an object, [name, value] pairs or Headers'
  if (typeof init !== 'object' || init === null) {
    throw new TypeError(`typed-sse: ${source} gave ${kindOf(init)}, not ${expected}`)
  }
  try {
    return new Headers(init as HeadersInit)
  } catch {
    const name = invalidHeaderName(init)
    throw new TypeError(
      name === undefined
        ? `typed-sse: ${source} gave something other than ${expected}`
        : `typed-sse: invalid header ${JSON.stringify(name)} from ${source} (the value is not shown): a name must be a token, a value must not contain CR, LF or NUL`,
    )
  }
}

/** The name of the first header of `init` that fetch rejects; `undefined` when `init` is not made of pairs. */
function invalidHeaderName(init: object): string | undefined {
  const pairs: unknown[] = Symbol.iterator in init ? [...(init as Iterable<unknown>)] : Object.entries(init)
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined
    const [name, value] = pair.map(String) as [string, string]
    try {
      new Headers([[name, value]])
    } catch {
      return name
    }
  }
  return undefined
}
