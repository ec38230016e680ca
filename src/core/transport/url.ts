/**
 * Resolves `url` against the page's location (in browsers), without its fragment (fetch never sends it),
 * and rejects what fetch could never request.
 */
export function resolveUrl(url: string | URL): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href
  try {
    const resolved = new URL(url, base)
    resolved.hash = ''
    return resolved.href
  } catch {
    // Quoted without its query: a token there must not reach a log through this message.
    const shown = String(url).split(/[?#]/)[0]
    throw new TypeError(
      `typed-sse: invalid URL ${JSON.stringify(shown)}${base ? '' : ' (outside a browser, pass an absolute URL)'}`,
    )
  }
}

/**
 * `href` as error messages show it: origin and path, every query value replaced by `***`, without user
 * name, password or fragment. Tokens often travel in the query (the browser's `EventSource` cannot send
 * headers), and messages end up in logs and error trackers.
 */
export function redactUrl(href: string): string {
  const url = new URL(href)
  let query = ''
  for (const name of url.searchParams.keys()) query += `${query ? '&' : '?'}${name}=***`
  return url.origin + url.pathname + query
}

/**
 * The parts of a URL that may be secret, as they may be quoted (decoded and encoded): query values, user
 * name and password.
 */
export function secretsOf(href: string): string[] {
  const url = new URL(href)
  const values = [...url.searchParams.values(), url.username, url.password]
  return values.flatMap((value) => [value, encodeURIComponent(value)])
}

/**
 * `text` with every occurrence of each secret replaced by `***`. Values shorter than 4 characters are
 * left alone: they are no secret, and replacing them would garble the rest of the text.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('***')
  return result
}
