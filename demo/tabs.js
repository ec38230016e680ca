// The tabs page: `subscribe` with `share: tabs` (bundled from the built library by demo/build.js into
// dist-demo/tabs.js). It shows this tab's role, the tabs that share the stream, the server's count of open
// connections, and the last events.
import { subscribe } from 'typed-sse'
import { tabs } from 'typed-sse/tabs'

const role = document.getElementById('role')
const tabCount = document.getElementById('tabs')
const status = document.getElementById('status')
const lastId = document.getElementById('last-id')
const connections = document.getElementById('connections')
const opened = document.getElementById('opened')
const gaps = document.getElementById('gaps')
const events = document.getElementById('events')

let previousId
let outOfOrder = 0

subscribe(
  '/shared',
  {
    message(text, { id }) {
      // Every tab should see every event once, in order, across hand-overs: ids go up by one.
      const current = Number(id)
      if (previousId !== undefined && current !== previousId + 1) gaps.textContent = String(++outOfOrder)
      previousId = current
      const item = document.createElement('li')
      item.textContent = text
      events.prepend(item)
      while (events.children.length > 20) events.lastElementChild.remove()
    },
  },
  {
    decode: 'text',
    share: tabs,
    retry: { initialDelay: 500, maxDelay: 5000 },
    onState({ status: current, lastEventId, error }) {
      status.textContent = error ? `${current} (${error.message})` : current
      lastId.textContent = lastEventId || '–'
    },
  },
)

document.getElementById('open-tab').addEventListener('click', () => window.open(location.href))

/**
 * The role, from the lock manager: the leader holds the stream's Web Lock, named `typed-sse:` and the
 * SHA-256 of the stream's key in hex (other locks of typed-sse have more after that), and the followers
 * queue for it. `navigator.locks.query()` lists the locks of every tab of this origin with the `clientId`
 * of their tab, but no page is told its own `clientId`: this page holds a lock of its own, named at random,
 * and finds its `clientId` on it.
 */
const canShare = isSecureContext && 'locks' in navigator && typeof BroadcastChannel === 'function'
const ownLock = `typed-sse-demo:${canShare ? crypto.randomUUID() : ''}`
if (canShare) navigator.locks.request(ownLock, () => new Promise(() => {}))
else role.textContent = 'own connection (no Web Locks here: share: tabs shares within the page)'

async function showRole() {
  const { held = [], pending = [] } = await navigator.locks.query()
  const me = held.find((lock) => lock.name === ownLock)?.clientId
  const isStream = (lock) => /^typed-sse:[0-9a-f]{64}$/.test(lock.name ?? '')
  const leaders = held.filter(isStream)
  const waiting = pending.filter(isStream)
  if (!me) return
  role.textContent = leaders.some((lock) => lock.clientId === me)
    ? 'leader'
    : waiting.some((lock) => lock.clientId === me)
      ? 'follower'
      : 'joining'
  tabCount.textContent = `${leaders.length + waiting.length} (${leaders.length} leading, ${waiting.length} waiting for the lock)`
}

async function showConnections() {
  try {
    const response = await fetch('/connections', { cache: 'no-store' })
    const count = await response.json()
    connections.textContent = String(count.open)
    opened.textContent = String(count.opened)
  } catch {
    connections.textContent = '? (server unreachable)'
  }
}

function refresh() {
  if (canShare) showRole().catch(() => {})
  showConnections()
}
refresh()
setInterval(refresh, 300)
