/** Waits until `condition()` holds, checking every few ms; fails after `timeout` ms with a clear message. */
export async function until(condition: () => boolean, timeout = 2000, interval = 2): Promise<void> {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`Condition not met within ${timeout} ms: ${condition.toString()}`)
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}
