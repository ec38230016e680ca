// typed-sse/react: the `useEventStream` hook. It imports the core through `../index`, which the build
// rewrites to `typed-sse`, so that an app holds one core and one shared-connection registry.
export type { UseEventStreamOptions, UseEventStreamResult } from './types'
export { useEventStream } from './useEventStream'
