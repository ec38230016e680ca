// The events of the cross-tab tests: every third one named `tick`, data `{"n":n}`.

/** The wire text of event `n`. */
export function frame(n: number): string {
  return `${n % 3 === 0 ? 'event: tick\n' : ''}id: ${n}\ndata: {"n":${n}}\n\n`
}

/** What the page records for event `n`: `type/id/raw`. */
export function expectedEvent(n: number): string {
  return `${n % 3 === 0 ? 'tick' : 'message'}/${n}/{"n":${n}}`
}
