import { type ConnectionConfig, isDoneMarker } from './resolveOptions'

/** What stands for a value compared by identity (a function, a stream body, a storage object) in a key. */
export type Identify = (value: object) => unknown

/**
 * Every option that shapes a connection, in key order: two streams share a connection only when all of
 * them are equal. `decode` and `signal` are per stream, and `lastEventId` only says where a new
 * connection starts.
 */
export const CONNECTION_FIELDS = [
  'url',
  'method',
  'credentials',
  'body',
  'headers',
  'fetch',
  'redirect',
  'retry',
  'idleTimeout',
  'maxEventSize',
  'lastEventIdParam',
  'persist',
  'pauseWhenHidden',
  'finite',
  'doneWhen',
  'reconnectRequest',
] as const satisfies readonly (keyof ConnectionConfig)[]

/** The fields that say what is requested: a stored last event ID is a position in that stream. */
export const REQUEST_FIELDS = ['url', 'method', 'credentials', 'body', 'headers'] as const

const identities = new WeakMap<object, number>()
let nextIdentity = 0

/** A number standing for `value`: the same for the same object, only meaningful in this page. */
export function identity(value: object): number {
  let id = identities.get(value)
  if (id === undefined) {
    id = ++nextIdentity
    identities.set(value, id)
  }
  return id
}

/**
 * The one definition of "the same connection": the key of `fields` (every connection option by default)
 * of `config`. Strings, numbers, static headers (in any spelling or order), `URLSearchParams` bodies and
 * the retry policy's numbers compare by value; functions, other bodies and storage objects by
 * `identify`. The page's sharing key, the key tabs compare, the hook's key and the storage key are all
 * made here. It may hold credentials: never show or store it as it is.
 */
export function connectionKey(
  config: ConnectionConfig,
  identify: Identify = identity,
  fields: readonly (keyof ConnectionConfig)[] = CONNECTION_FIELDS,
): string {
  return JSON.stringify(fields.map((field) => comparable(config[field], identify)))
}

/**
 * The key that other tabs can compare: every connection option but `pauseWhenHidden` (each tab has its
 * own), `undefined` when one compares by identity, which only means something in this page.
 */
export function portableKey(config: ConnectionConfig): string | undefined {
  let portable = true
  const key = connectionKey(
    config,
    () => (portable = false),
    CONNECTION_FIELDS.filter((field) => field !== 'pauseWhenHidden'),
  )
  return portable ? key : undefined
}

function comparable(value: unknown, identify: Identify): unknown {
  if (typeof value !== 'object' && typeof value !== 'function') return value ?? null
  if (value === null) return null
  // The default `doneWhen` is the same function in every page.
  if (value === isDoneMarker) return '[DONE]'
  // Headers iterate sorted by lowercased name (Fetch spec "sort and combine"): equal sets give equal keys.
  if (value instanceof Headers) return [...value]
  // A URLSearchParams body also sets a content type, so it never equals the same text as a string.
  if (value instanceof URLSearchParams) return [String(value)]
  if (Array.isArray(value)) return value.map((entry) => comparable(entry, identify))
  if (Object.getPrototypeOf(value) === Object.prototype) {
    // The retry policy (its defaults filled in, so its keys always come in the same order).
    return Object.entries(value).map(([name, entry]) => [name, comparable(entry, identify)])
  }
  return identify(value)
}
