import { describe, expect, it } from 'vitest'
import { STATE_FIELDS, snapshotOf } from '../../src/core/connection/state'
import { EventStreamError } from '../../src/core/errors'

describe('state snapshots', () => {
  it('copy every field of STATE_FIELDS that is set, and leave out the optional ones that are not', () => {
    const error = new EventStreamError('network', 'lost')
    const full = snapshotOf({ status: 'reconnecting', lastEventId: '7', attempt: 2, error, retryDelay: 500 })
    expect(Object.keys(full).sort()).toEqual([...STATE_FIELDS].sort())
    expect(full).toEqual({ status: 'reconnecting', lastEventId: '7', attempt: 2, error, retryDelay: 500 })
    const bare = snapshotOf({
      status: 'open',
      lastEventId: '',
      attempt: 0,
      error: undefined,
      retryDelay: undefined,
    })
    expect(bare).toEqual({ status: 'open', lastEventId: '', attempt: 0 })
    expect(Object.keys(bare)).toEqual(['status', 'lastEventId', 'attempt'])
  })
})
