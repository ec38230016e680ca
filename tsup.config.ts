import { defineConfig, type Options } from 'tsup'

type Plugin = NonNullable<Options['esbuildPlugins']>[number]

/**
 * `typed-sse/react`, `typed-sse/testing` and `typed-sse/tabs` import the core as the package itself, so
 * that an app holds one core (one shared-connection registry) whichever entries it imports.
 */
const coreAsPackage: Plugin = {
  name: 'core-as-package',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/(index|core\/.*)$/ }, ({ path, importer }) =>
      /[\\/]src[\\/](react|testing|tabs)[\\/]/.test(importer) && !bundledIntoEachEntry.test(path)
        ? { path: 'typed-sse', external: true }
        : undefined,
    )
  },
}

/**
 * Core modules that hold no shared state and are not public API, but that another entry needs too (the
 * connection key, the state's fields): each entry bundles its own copy, so that each idea is written once.
 */
const bundledIntoEachEntry = /^\.\.\/core\/(api\/connectionKey|connection\/state)$/

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    react: 'src/react/index.ts',
    testing: 'src/testing/index.ts',
    tabs: 'src/tabs/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  external: ['react', 'msw', 'typed-sse'],
  esbuildPlugins: [coreAsPackage],
})
