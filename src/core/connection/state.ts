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

/** The live state of a connection (its fields, and what its rules keep besides), and its snapshots. */
export interface StateStore<T extends StateFields> {
  /** The current fields (read-only: change them with `set` and `setLastEventId`). */
  readonly fields: Readonly<T>
  /** The current snapshot: the same object until a field of `StreamState` changed, built when first read. */
  snapshot(): StreamState
  /** Takes the fields of `next`. @returns whether a field of `StreamState` changed */
  set(next: Readonly<T>): boolean
  /** Sets the last event ID: the one change per event, so it allocates nothing until `snapshot()`. */
  setLastEventId(id: string): void
}

export function createStateStore<T extends StateFields>(initial: T): StateStore<T> {
  const fields = { ...initial }
  let snapshot: StreamState | undefined
  return {
    fields,
    snapshot() {
      snapshot ??= snapshotOf(fields)
      return snapshot
    },
    set(next) {
      const changed = !sameFields(fields, next)
      Object.assign(fields, next)
      if (changed) snapshot = undefined
      return changed
    },
    setLastEventId(id) {
      fields.lastEventId = id
      snapshot = undefined
    },
  }
}

/**
 * A snapshot of `fields`, without the optional fields that are `undefined`. Field by field, not a loop over
 * `STATE_FIELDS`: it runs once per chunk that brings a new ID, and named stores are several times faster
 * than computed ones (a test checks that every field of `STATE_FIELDS` is copied).
 */
export function snapshotOf(fields: Readonly<StateFields>): StreamState {
  const state: StreamState = {
    status: fields.status,
    lastEventId: fields.lastEventId,
    attempt: fields.attempt,
  }
  if (fields.error !== undefined) state.error = fields.error
  if (fields.retryDelay !== undefined) state.retryDelay = fields.retryDelay
  return state
}

/** A state or its fields. */
type Fields = { readonly [K in keyof StreamState]?: unknown }

/** Whether two states agree on every field of `StreamState`, except `ignored`. */
export function sameFields(a: Fields, b: Fields, ignored?: keyof StreamState): boolean {
  return STATE_FIELDS.every((key) => key === ignored || a[key] === b[key])
}
