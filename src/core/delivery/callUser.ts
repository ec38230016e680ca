/**
 * Calls a function of the user's: an event handler, a state or restart listener.
 *
 * Through this one call site, which V8 treats as generic. V8 inlines the one function a call site has
 * called so far into the optimised code around it, and throws that code away once the function is
 * garbage. The user's functions are closures that die with their stream: the delivery code would be
 * thrown away, and a new stream would run on slow code while it is compiled again (a third of a
 * 200k-event stream, measured). {@link makeUserCallsGeneric} makes the call site generic for good.
 */
export function callUser<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void {
  fn(a, b)
}

/**
 * Calls two different functions through {@link callUser}: a call site that has seen two is generic (a plain
 * call, kept for good). V8 records what a call site calls only once its function has run a few times (8):
 * hence the 16 calls.
 */
export function makeUserCallsGeneric(): void {
  const functions = [() => {}, function other() {}]
  for (let i = 0; i < 16; i++) callUser(functions[i % 2] as () => void, undefined, undefined)
}
