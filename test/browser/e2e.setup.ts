// vitest globalSetup of the `e2e` project: builds Storybook (offline, telemetry off) for the story smoke
// tests, and checks that the demo page's bundles exist (`npm test` builds dist/, `test:browser` dist-demo/).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromiumPath } from './chromium'

const root = fileURLToPath(new URL('../..', import.meta.url))

export default async function setup() {
  chromiumPath() // fail first, and clearly, when there is no browser
  for (const file of ['dist/index.js', 'dist/react.js', 'dist-demo/react.js']) {
    if (!existsSync(`${root}/${file}`)) {
      throw new Error(
        `${file} is missing: run \`npm run build && npm run build:demo\` before the browser tests`,
      )
    }
  }
  await mkdir(`${root}/test-artifacts`, { recursive: true })
  await run('npm', ['run', 'build-storybook', '--silent'])
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output}`)),
    )
  })
}
