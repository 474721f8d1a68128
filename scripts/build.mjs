// Single-file build: dist/s6migrate.mjs runs with only `node` (no node_modules needed).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/bin.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile: 'dist/s6migrate.mjs',
  banner: {
    // Some bundled CommonJS dependencies call require(); give ESM output one.
    js: "#!/usr/bin/env node\nimport { createRequire as __s6mCreateRequire } from 'node:module'; const require = __s6mCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
