// Single-file build: dist/s6migrate.mjs runs with only `node` (no node_modules needed). Also writes the
// man page, generated from the same definitions as --help, to dist/ and docs/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: {
    // Some bundled CommonJS dependencies call require(); give ESM output one.
    js: "#!/usr/bin/env node\nimport { createRequire as __s6mCreateRequire } from 'node:module'; const require = __s6mCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/s6migrate.mjs' });
await build({ ...common, entryPoints: ['src/cli/manpage-main.ts'], outfile: 'dist/.manpage.mjs' });
const man = execFileSync(process.execPath, ['dist/.manpage.mjs'], { encoding: 'utf8' });
rmSync('dist/.manpage.mjs');
writeFileSync('dist/s6migrate.1', man);
writeFileSync('docs/s6migrate.1', man);
