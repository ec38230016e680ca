// The vanilla core: zero dependencies, no React. The parser and connection internals stay private; the
// `Connection` interfaces are public types for share strategies (`typed-sse/tabs`).

export { createEventStream } from './core/createEventStream'
export { EventStreamError, type EventStreamErrorCode, isEventStreamError } from './core/errors'
export type {
  ConnectionOptions,
  DecodeMap,
  DecodeOption,
  EventDecoder,
  EventStreamOptions,
  HeadersOption,
  RetryOptions,
  ShareRequest,
  ShareStrategy,
  StorageLike,
} from './core/options'
export { shareEventStream } from './core/share'
export type { StandardSchemaV1 } from './core/standardSchema'
export { type EventHandlers, type SubscribeOptions, subscribe } from './core/subscribe'
export type {
  AnyStreamEvent,
  Connection,
  ConnectionListener,
  EventMap,
  EventStream,
  StreamEvent,
  StreamState,
  StreamStatus,
} from './core/types'
