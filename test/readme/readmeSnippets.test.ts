import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8')

it('prints the "Testing your app" example in docs/testing.md exactly as test/readme/testingYourApp.test.tsx runs it', () => {
  const source = read('./testingYourApp.test.tsx')
  const example = source.slice(source.indexOf('// docs:begin\n') + 14, source.indexOf('// docs:end'))
  expect(example).toContain("it('shows the latest price")
  expect(read('../../docs/testing.md')).toContain(`\`\`\`tsx\n${example}\`\`\``)
})

it('prints the "Testing a chat UI" example in docs/testing.md exactly as test/readme/chatUi.test.tsx runs it', () => {
  const source = read('./chatUi.test.tsx')
  const example = source.slice(source.indexOf('// docs:begin\n') + 14, source.indexOf('// docs:end'))
  expect(example).toContain("it('completes the answer exactly after its connection is cut'")
  expect(read('../../docs/testing.md')).toContain(`\`\`\`tsx\n${example}\`\`\``)
})

it.each(['tanstackQuery.tsx', 'swr.tsx'])(
  'prints the recipe test/readme/recipes/%s in docs/recipes.md exactly as dataLibraries.test.tsx runs it',
  (file) => {
    expect(read('../../docs/recipes.md')).toContain(`\`\`\`tsx\n${read(`./recipes/${file}`)}\`\`\``)
  },
)
