import type { StreamState } from '../types'

/**
 * Every field of {@link StreamState}, in one list: snapshots, comparisons and the hook's result are built
 * from it, so that a new field cannot be forgotten in one of them.
 */
export const STATE_FIELDS = [
  'status',
  'lastEventId',
  'attempt',
  'error',
  'retryDelay',
] as const satisfies readonly (keyof StreamState)[]

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T]

/** The fields of a state, where an absent optional field is `undefined`. */
export type StateFields = {
  [K in keyof StreamState]-?: K extends OptionalKeys<StreamState>
    ? StreamState[K] | undefined
    : StreamState[K]
}

/** The fields of a connection that has not tried anything yet (or, `closed`, of one that will not). */
export function initialState(status: StreamState['status'], lastEventId: string): StateFields {
  return { status, lastEventId, attempt: 0, error: undefined, retryDelay: undefined }
}

/** The live state of a connection, and its immutable snapshots. */
export interface StateStore {
  /** The current fields (read-only: change them with `set` and `setLastEventId`). */
  readonly fields: Readonly<StateFields>
  /** The current snapshot: the same object until something changed, built when first read. */
  snapshot(): StreamState
  /** Applies `patch` (a key present with `undefined` clears that field). @returns whether anything changed */
  set(patch: Partial<StateFields>): boolean
  /** Sets the last event ID: the one change per event, so it allocates nothing until `snapshot()`. */
  setLastEventId(id: string): void
}

export function createStateStore(initial: StateFields): StateStore {
  const fields = { ...initial }
  let snapshot: StreamState | undefined
  return {
    fields,
    snapshot() {
      snapshot ??= snapshotOf(fields)
      return snapshot
    },
    set(patch) {
      let changed = false
      for (const key in patch) {
        const value = patch[key as keyof StateFields]
        if (fields[key as keyof StateFields] === value) continue
        ;(fields as Record<string, unknown>)[key] = value
        changed = true
      }
      if (changed) snapshot = undefined
      return changed
    },
    setLastEventId(id) {
      fields.lastEventId = id
      snapshot = undefined
    },
  }
}

/** A snapshot of `fields`, without the optional fields that are `undefined`. */
export function snapshotOf(fields: Readonly<StateFields>): StreamState {
  const state: Partial<Record<keyof StreamState, unknown>> = {}
  for (const key of STATE_FIELDS) if (fields[key] !== undefined) state[key] = fields[key]
  return state as StreamState
}

/** Whether two states agree on every field, except `ignored`. */
export function sameState(a: StreamState, b: StreamState, ignored?: keyof StreamState): boolean {
  return STATE_FIELDS.every((key) => key === ignored || a[key] === b[key])
}
