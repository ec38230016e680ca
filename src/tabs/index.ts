// typed-sse/tabs: one connection per key for all tabs of a browser (Web Locks + BroadcastChannel). It
// builds on the core's public `share` seam; election, protocol and lifecycle stay private.
export { type TabsStrategy, tabs } from './tabs'
