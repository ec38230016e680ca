import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

it('prints the "Testing your app" example exactly as test/readme/testingYourApp.test.tsx runs it', () => {
  const source = readFileSync(new URL('./testingYourApp.test.tsx', import.meta.url), 'utf8')
  const example = source.slice(source.indexOf('// README:begin\n') + 16, source.indexOf('// README:end'))
  expect(readme).toContain(`\`\`\`tsx\n${example}\`\`\``)
})
