// The vanilla view: `subscribe` from the built library, status and messages rendered live.
import { subscribe } from '/dist/index.js'

const status = document.getElementById('status')
const lastId = document.getElementById('last-id')
const messages = document.getElementById('messages')
const toggle = document.getElementById('toggle')
const cut = document.getElementById('cut')

let unsubscribe

function start() {
  unsubscribe = subscribe(
    '/stream',
    {
      message(text) {
        const item = document.createElement('li')
        item.textContent = text
        messages.prepend(item)
        while (messages.children.length > 50) messages.lastElementChild.remove()
      },
    },
    {
      decode: 'text',
      retry: { initialDelay: 500, maxDelay: 5000 },
      onState({ status: current, lastEventId, error }) {
        status.textContent = error ? `${current} (${error.message})` : current
        lastId.textContent = lastEventId || '–'
      },
    },
  )
  toggle.textContent = 'Unsubscribe'
}

// The server destroys this stream's response (demo/chatServer.js): the client reconnects with Last-Event-ID.
cut.addEventListener('click', () => {
  fetch('/cut?stream=%2Fstream', { method: 'POST' })
})

toggle.addEventListener('click', () => {
  if (unsubscribe) {
    unsubscribe()
    unsubscribe = undefined
    status.textContent = 'closed'
    toggle.textContent = 'Subscribe'
  } else start()
})

start()
