// Helpers to mock SSE endpoints in your own tests: with MSW, or in memory through the `fetch` option.
export type { MockChatRequest } from './chatRequestLog'
export { createMockChat, type MockChat, type MockChatOptions } from './createMockChat'
export { createMockStream, type MockReply, type MockStream } from './createMockStream'
export type { ChatCompletionChunk } from './encodeChatAnswer'
export { encodeEvent, type MockEvent } from './encodeEvent'
export { type EventStreamHandlerOptions, eventStreamHandler } from './eventStreamHandler'
export { type EventStreamResponseOptions, eventStreamResponse } from './eventStreamResponse'
export type { MockChatAnswer } from './mockChatHandlers'
