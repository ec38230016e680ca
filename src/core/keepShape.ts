/**
 * One object of each class whose methods run for every event, kept for as long as typed-sse is loaded.
 *
 * V8 (Node, Chromium, Deno) optimises a method for the shape ("map") of the objects it sees, and forgets that
 * shape, throwing the optimised code away with it, once no object of that shape is left. Between two streams
 * none is: every new stream (a reconnect, the next LLM answer) would run on slow code again while V8 compiles
 * it anew, which costs a short stream about half its time (docs/benchmarks.md). One object of the class, kept
 * here, keeps its shape, and so the code, alive.
 */
const kept = new Map<unknown, object | undefined>()

/**
 * Keeps one object of `type`, made by `create`, from the first call for `type` on. Each such class calls it
 * in its constructor: so the object is made only in apps that use the class, and only once.
 */
export function keepShape(type: abstract new (...args: never[]) => object, create: () => object): void {
  if (kept.has(type)) return
  kept.set(type, undefined) // `create` runs the constructor, which calls this again
  kept.set(type, create())
}
