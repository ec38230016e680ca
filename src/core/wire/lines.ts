// How the parser reads one line of an event stream: which field it is, where its value starts, and how
// much it adds to the event it belongs to (for `maxEventSize`). Pure functions of the text.

const SPACE = 32
/** `:`, which ends a field name and starts a comment line. */
export const COLON = 58
/** Characters of a too-large event's data that its error quotes. */
const PREVIEW_LENGTH = 256

// The usual fields are recognised by their character codes: V8 runs these comparisons several times
// faster than `startsWith` at an offset, and no substring is made for the name. A shorter line cannot
// match by reading past its end: its line break equals none of these codes. The parser passes lines with
// their line break: once a `charCodeAt` has read past the end of its text, V8 calls out for it ever after.

/** Whether the line at `start` begins with `data:`. */
export function isDataField(text: string, start: number): boolean {
  return (
    text.charCodeAt(start) === 100 && // d
    text.charCodeAt(start + 1) === 97 && // a
    text.charCodeAt(start + 2) === 116 && // t
    text.charCodeAt(start + 3) === 97 && // a
    text.charCodeAt(start + 4) === COLON
  )
}

/** Whether the line at `start` begins with `event:`. */
export function isEventField(text: string, start: number): boolean {
  return (
    text.charCodeAt(start) === 101 && // e
    text.charCodeAt(start + 1) === 118 && // v
    text.charCodeAt(start + 2) === 101 && // e
    text.charCodeAt(start + 3) === 110 && // n
    text.charCodeAt(start + 4) === 116 && // t
    text.charCodeAt(start + 5) === COLON
  )
}

/** Whether the line at `start` begins with `id:`. */
export function isIdField(text: string, start: number): boolean {
  return (
    text.charCodeAt(start) === 105 && // i
    text.charCodeAt(start + 1) === 100 && // d
    text.charCodeAt(start + 2) === COLON
  )
}

/** Where a field's value starts: after the colon at `afterColon - 1` and one optional space. */
export function valueStart(text: string, afterColon: number): number {
  return text.charCodeAt(afterColon) === SPACE ? afterColon + 1 : afterColon
}

/**
 * The size that counts against `maxEventSize` once `line` (perhaps only its start) is added to an event
 * whose data so far is `data`: for a data line, the data as `raw` would have it (values joined with LF);
 * for any other line, the line itself, so that an endless line of any kind is caught; the start of a data
 * line (`dat`): nothing yet.
 */
export function eventSizeWith(line: string, data: string, hasData: boolean): number {
  if (isDataField(line, 0)) return data.length + (hasData ? 1 : 0) + line.length - valueStart(line, 5)
  return 'data:'.startsWith(line) ? data.length : line.length
}

/** The start of a too-large event's data, as its `raw` would be (without the field name of a data line). */
export function previewOf(line: string, data: string, hasData: boolean): string {
  const value = isDataField(line, 0) ? line.slice(valueStart(line, 5)) : undefined
  const text = hasData ? (value === undefined ? data : `${data}\n${value}`) : (value ?? line)
  return text.slice(0, PREVIEW_LENGTH)
}
