import type { CSSProperties, ReactNode } from 'react'
import type { EventStreamError, StreamStatus } from 'typed-sse'

/** The frame of every story: what it shows, in a sentence or two, above the live demo. */
export function Demo({ title, about, children }: { title: string; about: ReactNode; children: ReactNode }) {
  return (
    <div style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 760, lineHeight: 1.45 }}>
      <h2 style={{ margin: '0 0 4px' }}>{title}</h2>
      <p style={{ margin: '0 0 16px', color: '#555' }}>{about}</p>
      {children}
    </div>
  )
}

const colors: Record<StreamStatus, string> = {
  connecting: '#b7791f',
  open: '#2f855a',
  reconnecting: '#c05621',
  closed: '#718096',
}

/** The connection's state as a row of labelled values (each with a `data-testid` for the smoke tests). */
export function StateView({
  status,
  attempt,
  retryDelay,
  lastEventId,
  error,
  testid = 'state',
}: {
  status: StreamStatus
  attempt?: number
  retryDelay?: number | undefined
  lastEventId?: string
  error?: EventStreamError | undefined
  testid?: string
}) {
  return (
    <dl style={row} data-testid={testid}>
      <Item label="status">
        <strong data-testid={`${testid}-status`} style={{ color: colors[status] }}>
          {status}
        </strong>
      </Item>
      {attempt !== undefined && <Item label="attempt">{attempt}</Item>}
      {retryDelay !== undefined && (
        <Item label="next attempt in">
          <span data-testid={`${testid}-delay`}>{Math.round(retryDelay)} ms</span>
        </Item>
      )}
      {lastEventId !== undefined && (
        <Item label="Last-Event-ID">
          <code data-testid={`${testid}-last-id`}>{lastEventId || '–'}</code>
        </Item>
      )}
      {error && (
        <Item label="error">
          <code data-testid={`${testid}-error`} style={{ color: '#c53030' }}>
            {error.code}
            {error.status !== undefined && ` ${error.status}`}
          </code>
          <div style={{ fontSize: 12, color: '#742a2a', maxWidth: 420 }}>{error.message}</div>
        </Item>
      )}
    </dl>
  )
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt style={{ fontSize: 12, color: '#718096' }}>{label}</dt>
      <dd style={{ margin: 0 }}>{children}</dd>
    </div>
  )
}

const row: CSSProperties = { display: 'flex', flexWrap: 'wrap', gap: 24, margin: '0 0 12px' }

export const card: CSSProperties = {
  border: '1px solid #e2e8f0',
  borderRadius: 6,
  padding: 12,
  margin: '0 0 12px',
}
