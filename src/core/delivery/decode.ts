import { invalidOption } from '../api/assert'
import type { DecodeOption } from '../api/options'
import { EventStreamError } from '../errors'
import type { EventMap } from '../types'
import { isStandardSchema, type StandardSchemaV1 } from './standardSchema'

/** The result of an async Standard Schema: the event waits for it, and later events wait behind it. */
export class PendingDecode {
  constructor(readonly promise: Promise<unknown>) {}
}

/**
 * Turns an event's raw data into its typed value. Returns the value, or a {@link PendingDecode} for async
 * schemas; throws an `EventStreamError` with code `decode` when the data is invalid.
 */
export type Decoder = (type: string, raw: string) => unknown

/** Builds the decoder for a `decode` option once, so that decoding an event is one call. */
export function createDecoder<E extends EventMap>(option: DecodeOption<E> | undefined = 'json'): Decoder {
  if (option === 'json') return parseJson
  if (option === 'text') return keepText
  if (typeof option === 'function') return (type, raw) => callDecoder(type, raw, () => option(raw, type))
  if (typeof option !== 'object' || option === null) {
    invalidOption('decode', "'json', 'text', a function or a map of event type → decoder", option)
  }
  const decoders = new Map<string, Decoder>()
  for (const [type, entry] of Object.entries(option)) {
    if (isStandardSchema(entry))
      decoders.set(type, (t, raw) => callDecoder(t, raw, () => validate(t, raw, entry)))
    else if (typeof entry === 'function')
      decoders.set(type, (t, raw) => callDecoder(t, raw, () => entry(raw)))
    else if (entry !== undefined) {
      invalidOption(`decode.${type}`, 'a function or a Standard Schema', entry)
    }
  }
  return (type, raw) => {
    const decoder = decoders.get(type)
    return decoder ? decoder(type, raw) : raw
  }
}

/** `decode: 'text'`. (Module functions, not a closure per stream: one call target for every stream.) */
export const keepText: Decoder = (_type, raw) => raw

/** Whether `decoder` may return a {@link PendingDecode}: only a map of decoders holds async schemas. */
export function mayPend(decoder: Decoder): boolean {
  return decoder !== keepText && decoder !== parseJson
}

function parseJson(type: string, raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch (cause) {
    throw decodeError(type, raw, `invalid JSON (${(cause as Error).message})`, cause)
  }
}

function callDecoder(type: string, raw: string, decode: () => unknown): unknown {
  try {
    return decode()
  } catch (cause) {
    if (cause instanceof EventStreamError) throw cause
    throw decodeError(type, raw, (cause as Error)?.message ?? String(cause), cause)
  }
}

function validate(type: string, raw: string, schema: StandardSchemaV1): unknown {
  const result = schema['~standard'].validate(parseJson(type, raw))
  if (result instanceof Promise) {
    return new PendingDecode(
      result.then(
        (settled) => unwrap(type, raw, settled),
        (cause) => {
          throw decodeError(type, raw, `schema threw (${(cause as Error)?.message ?? String(cause)})`, cause)
        },
      ),
    )
  }
  return unwrap(type, raw, result)
}

function unwrap(type: string, raw: string, result: StandardSchemaV1.Result<unknown>): unknown {
  if (result.issues) {
    const summary = result.issues.map((issue) => issue.message).join('; ')
    throw decodeError(type, raw, `schema validation failed: ${summary}`, result.issues)
  }
  return result.value
}

function decodeError(type: string, raw: string, reason: string, cause: unknown): EventStreamError {
  const preview = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw
  return new EventStreamError(
    'decode',
    `Could not decode "${type}" event ${JSON.stringify(preview)}: ${reason}`,
    {
      event: { type, raw },
      cause,
    },
  )
}
