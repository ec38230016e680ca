// The node test tiers (vitest projects `node`, `msw3`, `nchan`) once more on Node 24 LTS, whatever Node runs
// npm: `npm test` runs them on that Node first. Node 24 and MSW 3 (which needs Node >= 22.12) come from the npm
// registry into test/node24/node_modules (the `node` package ships the Node binary); they are installed there,
// not in the root package, so that every other script keeps the Node that runs npm and a root `npm install`
// never installs packages its Node cannot run. Installed on first use and whenever test/node24's lockfile
// names other versions. Extra arguments go to vitest.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dir = fileURLToPath(new URL('../test/node24/', import.meta.url))
const node = `${dir}node_modules/node/bin/node`

/** The version of a package that test/node24's lockfile asks for, and the one installed ('' if none). */
function versions(name) {
  const lock = JSON.parse(readFileSync(`${dir}package-lock.json`, 'utf8'))
  const manifest = `${dir}node_modules/${name}/package.json`
  const installed = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : ''
  return { wanted: lock.packages[`node_modules/${name}`].version, installed }
}

const packages = { node: versions('node'), msw: versions('msw') }
if (Object.values(packages).some(({ wanted, installed }) => wanted !== installed) || !existsSync(node)) {
  console.log(
    `[node24] installing Node ${packages.node.wanted} and MSW ${packages.msw.wanted} into test/node24`,
  )
  // The npm that runs this is on an older Node, which MSW 3 declares it does not support: its EBADENGINE
  // warnings are expected here (MSW 3 runs on Node 24 only), so only errors are printed.
  execFileSync('npm', ['ci', '--loglevel=error', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' })
}

const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
if (version === process.version) {
  console.log(`[node24] npm already runs on Node ${version}: the node tiers ran on it`)
  process.exit(0)
}
console.log(`[node24] the node tiers again, on Node ${version}`)
const vitest = `${root}node_modules/vitest/vitest.mjs`
const projects = ['node', 'msw3', 'nchan'].flatMap((name) => ['--project', name])
const args = ['run', ...projects, ...process.argv.slice(2)]
// With TYPED_SSE_RERUN set, vitest.config.ts leaves out the tests whose outcome does not depend on the Node that runs vitest.
const env = { ...process.env, TYPED_SSE_RERUN: '1' }
const { status } = spawnSync(node, [vitest, ...args], { cwd: root, env, stdio: 'inherit' })
process.exit(status ?? 1)
