// The vanilla core: zero dependencies, no React. The parser and connection internals stay private; the
// `Connection` interfaces are public types for share strategies (`typed-sse/tabs`).

export { createEventStream } from './core/api/createEventStream'
export type {
  ConnectionOptions,
  DecodeMap,
  DecodeOption,
  EventDecoder,
  EventStreamOptions,
  HeadersOption,
  RawEvent,
  ReconnectContext,
  ReconnectRequest,
  ShareRequest,
  ShareStrategy,
  StorageLike,
} from './core/api/options'
export type { RetryOptions } from './core/api/retryOptions'
export { type EventHandlers, type SubscribeOptions, subscribe } from './core/api/subscribe'
export type { StandardSchemaV1 } from './core/delivery/standardSchema'
export {
  EventStreamError,
  type EventStreamErrorCode,
  type EventStreamErrorDetails,
  isEventStreamError,
} from './core/errors'
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
