// Renders React trees into the page for the browser tier. No `act()`: the tree renders as in an app (events
// arrive on their own), and the tests wait for the DOM. Every tree is unmounted after each test.
import type { ReactNode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach } from 'vitest'

const roots: Root[] = []
afterEach(() => {
  for (const root of roots.splice(0)) root.unmount()
  document.body.innerHTML = ''
})

/** Mounts `node` in a new container appended to the page. */
export function render(node: ReactNode): { container: HTMLElement; root: Root } {
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  roots.push(root)
  root.render(node)
  return { container, root }
}

/** Unmounts a tree before the test ends (the cleanup then leaves it alone). */
export function unmount(root: Root): void {
  root.unmount()
  roots.splice(roots.indexOf(root), 1)
}
