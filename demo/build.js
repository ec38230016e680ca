// Bundles the demo page's React view (demo/react.tsx) with React and the built library (dist/) into
// dist-demo/react.js, and the tabs page's script (demo/tabs.js) with the built library into dist-demo/tabs.js.
// Runs in `npm start` after the library build; takes well under a second.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

/** `typed-sse`, `typed-sse/react` and `typed-sse/tabs` are this package: take them from its build output, as an app would. */
const builtLibrary = {
  name: 'built-library',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^typed-sse(\/react|\/tabs)?$/ }, ({ path }) => ({
      path: resolve(
        root,
        path === 'typed-sse' ? 'dist/index.js' : `dist/${path.slice('typed-sse/'.length)}.js`,
      ),
    }))
  },
}

await build({
  absWorkingDir: root,
  entryPoints: ['demo/react.tsx', 'demo/tabs.js'],
  outdir: 'dist-demo',
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
