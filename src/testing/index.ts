// Helpers to mock SSE endpoints in your own tests: with MSW, or in memory through the `fetch` option.
export {
  type ChatCompletionChunk,
  createMockChat,
  type MockChat,
  type MockChatAnswer,
  type MockChatOptions,
  type MockChatRequest,
} from './createMockChat'
export { createMockStream, type MockReply, type MockStream } from './createMockStream'
export { encodeEvent, type MockEvent } from './encodeEvent'
export { type EventStreamHandlerOptions, eventStreamHandler } from './eventStreamHandler'
export { type EventStreamResponseOptions, eventStreamResponse } from './eventStreamResponse'
