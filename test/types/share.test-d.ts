import { describe, expectTypeOf, it } from 'vitest'
import {
  type Connection,
  createEventStream,
  type EventStreamOptions,
  type ShareRequest,
  type ShareStrategy,
  subscribe,
} from '../../src/index'
import { useEventStream } from '../../src/react'
import { type TabsStrategy, tabs } from '../../src/tabs'

describe('the share option', () => {
  it('takes false, page or a strategy', () => {
    expectTypeOf<EventStreamOptions['share']>().toEqualTypeOf<false | 'page' | ShareStrategy | undefined>()
    createEventStream('/s', { share: false })
    createEventStream('/s', { share: 'page' })
    createEventStream('/s', { share: tabs })
    createEventStream('/s', { share: tabs.key('user-42') })
    subscribe('/s', {}, { share: tabs })
    useEventStream('/s', { share: tabs })
  })

  it('rejects anything else', () => {
    // @ts-expect-error `true` is not a way to share
    createEventStream('/s', { share: true })
    // @ts-expect-error a strategy is the object from typed-sse/tabs, not its name
    subscribe('/s', {}, { share: 'tabs' })
    // @ts-expect-error a strategy needs `connect`
    useEventStream('/s', { share: {} })
  })

  it('types a strategy as a function from a request to a connection', () => {
    expectTypeOf(tabs).toEqualTypeOf<TabsStrategy>()
    expectTypeOf(tabs).toExtend<ShareStrategy>()
    expectTypeOf(tabs.key).parameter(0).toEqualTypeOf<string>()
    expectTypeOf(tabs.key('k')).toEqualTypeOf<ShareStrategy>()
    expectTypeOf<ShareStrategy['connect']>().parameter(0).toEqualTypeOf<ShareRequest>()
    expectTypeOf<ShareStrategy['connect']>().returns.toEqualTypeOf<Connection>()
    expectTypeOf<ShareRequest['open']>().toEqualTypeOf<(lastEventId: string) => Connection>()
  })
})
