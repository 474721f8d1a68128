// Single-file build: dist/s6migrate.cjs runs with only `node` (no node_modules needed). CommonJS and
// minified because start-up is dominated by loading: Node's ESM loader alone costs ~20 ms more than
// CommonJS, and V8 parses the whole file at every start. Also writes the man page, generated from the
// same definitions as --help, to dist/ and docs/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/s6migrate.cjs', banner: { js: '#!/usr/bin/env node' } });
await build({ ...common, entryPoints: ['src/cli/manpage-main.ts'], outfile: 'dist/.manpage.cjs' });
const man = execFileSync(process.execPath, ['dist/.manpage.cjs'], { encoding: 'utf8' });
rmSync('dist/.manpage.cjs');
rmSync('dist/s6migrate.mjs', { force: true });
writeFileSync('dist/s6migrate.1', man);
writeFileSync('docs/s6migrate.1', man);
