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
import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

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

// The oldest Node the single-file build runs on: Debian 12's nodejs (18.19.0 in bookworm, 18.20 in
// bookworm-security). package.json's engines says the same; the build checks they agree.
const MIN_NODE = [18, 19];
const engines = JSON.parse(readFileSync('package.json', 'utf8')).engines.node;
if (engines !== `>=${MIN_NODE.join('.')}`) throw new Error(`package.json engines.node is ${engines}, the build checks for >=${MIN_NODE.join('.')}`);

const common = {
  bundle: true,
  platform: 'node',
  // Debian 12's packaged nodejs is 18.19 (18.20 with bookworm-security); test/host/debian-node.test.ts runs
  // the bundle on it.
  target: 'node18',
  // Front and core are compiled by vm.runInThisContext, where `import()` has no loader ("A dynamic import
  // callback was not specified"): esbuild turns the remaining ones (node: built-ins, loaded lazily) into
  // require().
  supported: { 'dynamic-import': false },
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
// ES5 syntax: the prologue below carries it too, and must parse on any Node.
const decodeCore = function (t) {
  return t
    .replace(/%u([0-9a-f]+);/g, function (_m, h) { return String.fromCodePoint(parseInt(h, 16)); })
    .replace(/%2A\//g, '*/')
    .replace(/%25/g, '%');
};
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
mkdirSync(dirname(outfile) || '.', { recursive: true });
// The front is carried in a comment too, behind a prologue in ES5 syntax that checks the Node version
// first: an older Node parses the whole file before running any of it, so front code in the open would
// die of a SyntaxError (Node 12, Debian 11's, has no `?.`) before the check could say what is wrong.
const front = await build({ ...common, entryPoints: ['src/cli/bin.ts'], write: false, plugins: [...common.plugins, lazyImports('embed', keys)] });
const frontText = front.outputFiles[0].text;
const FRONT_MARK = '\n/*s6migrate-front\n';
const prologue = `#!/usr/bin/env node
// s6migrate, single-file build. Supported: Node ${MIN_NODE.join('.')} or later (package.json engines).
(function () {
  var v = process.versions.node.split('.').map(Number);
  if (v[0] < ${MIN_NODE[0]} || (v[0] === ${MIN_NODE[0]} && v[1] < ${MIN_NODE[1]})) {
    process.stderr.write('s6migrate: Node ' + process.versions.node + ' is too old: s6migrate needs Node ${MIN_NODE.join('.')} or later (Debian 12: apt install nodejs)\\n');
    process.exitCode = 2;
    return;
  }
  var text = require('fs').readFileSync(__filename, 'latin1');
  var start = text.indexOf(${JSON.stringify(FRONT_MARK)}) + ${FRONT_MARK.length};
  var body = (${decodeCore.toString()})(text.slice(start, text.indexOf('\\n*/', start)));
  var run = require('vm').runInThisContext('(function (exports, require, module, __filename, __dirname) {' + body + '\\n})', { filename: __filename });
  run(exports, require, module, __filename, __dirname);
})();
`;
const carried = { front: encodeCore(frontText), core: encodeCore(coreText) };
for (const [part, text] of [['front', frontText], ['core', coreText]]) {
  if (/(^|[^\w$.])import\s*\(/.test(text)) throw new Error(`${part} still has a dynamic import(), which fails under vm.runInThisContext`);
  if (carried[part].includes('*/') || decodeCore(carried[part]) !== text) throw new Error(`${part} text does not survive its comment encoding`);
}
// Test files build in parallel and copy dist/ at once: every file is written aside and renamed in.
const writeAtomic = (path, text) => {
  writeFileSync(`${path}.${process.pid}.tmp`, text);
  renameSync(`${path}.${process.pid}.tmp`, path);
};
const file = `${prologue}${FRONT_MARK}${carried.front}\n*/${CORE_MARK}${carried.core}\n*/\n`;
if (/[^\x00-\x7f]/.test(file)) throw new Error(`${outfile} is not ASCII: Node would decode it as UTF-16 at every start`);
writeAtomic(outfile, file);

if (process.env.S6M_BUILD_OUT) process.exit(0);
const manpageCjs = `dist/.manpage-${process.pid}.cjs`;
await build({ ...common, entryPoints: ['src/cli/manpage-main.ts'], outfile: manpageCjs });
const man = execFileSync(process.execPath, [manpageCjs], { encoding: 'utf8' });
rmSync(manpageCjs);
rmSync('dist/s6migrate.mjs', { force: true });
writeAtomic('dist/s6migrate.1', man);
writeAtomic('docs/s6migrate.1', man);
