import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8')

it('prints the "Testing your app" example exactly as test/readme/testingYourApp.test.tsx runs it', () => {
  const source = read('./testingYourApp.test.tsx')
  const example = source.slice(source.indexOf('// README:begin\n') + 16, source.indexOf('// README:end'))
  expect(readme).toContain(`\`\`\`tsx\n${example}\`\`\``)
})

it.each(['tanstackQuery.tsx', 'swr.tsx'])(
  'prints the recipe test/readme/recipes/%s in docs/recipes.md exactly as dataLibraries.test.tsx runs it',
  (file) => {
    expect(read('../../docs/recipes.md')).toContain(`\`\`\`tsx\n${read(`./recipes/${file}`)}\`\`\``)
  },
)
