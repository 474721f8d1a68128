// Single-file build: dist/s6migrate.cjs runs with only `node` (no node_modules needed). Also writes the
// man page, generated from the same definitions as --help, to dist/ and docs/.
//
// Start-up is dominated by loading, so the file is CommonJS (Node's ESM loader alone costs ~20 ms more),
// minified, and split in two inside the one file: the command definitions load at start, and everything
// the commands' actions reach through dynamic `import()` is a second bundle carried in a trailing comment and
// compiled only when an action first needs it. `--help` never compiles the importers, the writer or the
// validator.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { appendFileSync, readFileSync, writeFileSync, rmSync } from 'node:fs';

// commander requires node:child_process at load time, only to spawn executable subcommands, which
// s6migrate has none of; defer it to first use.
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error('commander changed: update the lazy child_process plugin');
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // S6M_BUILD_READABLE=1 keeps names, for profiling.
  minify: !process.env.S6M_BUILD_READABLE,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [lazyChildProcessInCommander],
};

/** Dynamic imports of the project's own modules from the CLI front: what goes into the lazy core. */
function lazyImports(mode, keys) {
  return {
    name: 'lazy-core',
    setup(b) {
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.inner) return undefined;
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: 'import-statement', pluginData: { inner: true } });
        if (r.errors.length > 0) return { errors: r.errors };
        if (!keys.has(r.path)) keys.set(r.path, `m${keys.size}`);
        return mode === 'collect' ? { path: r.path, external: true } : { path: r.path, namespace: 'lazy-core' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-core' }, (args) => ({
        contents: `module.exports = require('s6migrate:core')()[${JSON.stringify(keys.get(args.path))}];`,
        loader: 'js',
      }));
      b.onResolve({ filter: /^s6migrate:core$/ }, () => ({ path: 'core', namespace: 's6migrate-core' }));
      b.onLoad({ filter: /.*/, namespace: 's6migrate-core' }, () => ({ contents: coreLoader, loader: 'js' }));
    },
  };
}

let coreLoader = '';
const keys = new Map();
// 1. Which modules the command actions load lazily.
await build({ ...common, entryPoints: ['src/cli/bin.ts'], write: false, plugins: [...common.plugins, lazyImports('collect', keys)] });
// 2. Those modules as one CommonJS bundle, kept as text.
const coreEntry = [...keys].map(([path, key]) => `export * as ${key} from ${JSON.stringify(path)};`).join('\n');
const core = await build({ ...common, stdin: { contents: coreEntry, resolveDir: process.cwd(), loader: 'ts' }, write: false });
const coreText = core.outputFiles[0].text;
// The core rides at the end of the file in a block comment, read back on first use: V8 skips a comment
// far faster than it scans and interns a 300 KB string literal (measured: about 7 ms of every start,
// --help included). `%` and `*/` are escaped so the text cannot end the comment early, and non-ASCII
// characters so the whole file stays ASCII: one `µ` made Node decode all of it as UTF-16 at every start.
const CORE_MARK = '\n/*s6migrate-core\n';
const encodeCore = (t) =>
  t.replace(/%/g, '%25').replace(/\*\//g, '%2A/').replace(/[^\x00-\x7f]/gu, (c) => `%u${c.codePointAt(0).toString(16)};`);
const decodeCore = (t) =>
  t.replace(/%u([0-9a-f]+);/g, (_m, h) => String.fromCodePoint(parseInt(h, 16))).replace(/%2A\//g, '*/').replace(/%25/g, '%');
coreLoader = `let loaded;
module.exports = () => {
  if (!loaded) {
    const text = require('node:fs').readFileSync(__filename, 'utf8');
    const start = text.lastIndexOf(${JSON.stringify(CORE_MARK)}) + ${CORE_MARK.length};
    const body = (${decodeCore.toString()})(text.slice(start, text.lastIndexOf('\\n*/')));
    const mod = { exports: {} };
    const run = require('node:vm').runInThisContext('(function (module, exports, require) {' + body + '\\n})', { filename: __filename + ' (core)' });
    run(mod, mod.exports, require);
    loaded = mod.exports;
  }
  return loaded;
};`;
// 3. The CLI front with the core embedded.
// S6M_BUILD_OUT=PATH builds only the CLI there (profiling builds beside the real one).
const outfile = process.env.S6M_BUILD_OUT ?? 'dist/s6migrate.cjs';
await build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile, banner: { js: '#!/usr/bin/env node' }, plugins: [...common.plugins, lazyImports('embed', keys)] });
const carried = encodeCore(coreText);
if (carried.includes('*/') || decodeCore(carried) !== coreText) throw new Error('core text does not survive its comment encoding');
appendFileSync(outfile, `${CORE_MARK}${carried}\n*/\n`);
if (/[^\x00-\x7f]/.test(readFileSync(outfile, 'latin1'))) throw new Error(`${outfile} is not ASCII: Node would decode it as UTF-16 at every start`);

if (process.env.S6M_BUILD_OUT) process.exit(0);
await build({ ...common, entryPoints: ['src/cli/manpage-main.ts'], outfile: 'dist/.manpage.cjs' });
const man = execFileSync(process.execPath, ['dist/.manpage.cjs'], { encoding: 'utf8' });
rmSync('dist/.manpage.cjs');
rmSync('dist/s6migrate.mjs', { force: true });
writeFileSync('dist/s6migrate.1', man);
writeFileSync('docs/s6migrate.1', man);
