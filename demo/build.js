// Bundles the demo page's React view (demo/react.tsx) with React and the built library (dist/) into
// dist-demo/react.js. Runs in `npm start` after the library build; takes well under a second.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

/** `typed-sse` and `typed-sse/react` are this package: take them from its build output, as an app would. */
const builtLibrary = {
  name: 'built-library',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^typed-sse(\/react)?$/ }, ({ path }) => ({
      path: resolve(root, path === 'typed-sse' ? 'dist/index.js' : 'dist/react.js'),
    }))
  },
}

await build({
  absWorkingDir: root,
  entryPoints: ['demo/react.tsx'],
  outfile: 'dist-demo/react.js',
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  minify: true,
  sourcemap: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [builtLibrary],
  logLevel: 'warning',
})
