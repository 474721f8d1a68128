/**
 * The single-file build runs with only `node`: copied alone into a directory with no node_modules
 * anywhere above it, it prints its help and converts the bundled sample host. And the committed man
 * page is the one the current --help definitions generate.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildProgram } from '../../src/cli/main.js';
import { renderManPage } from '../../src/cli/manpage.js';
import { transformSync } from 'esbuild';

const repo = resolve(__dirname, '../..');
const bundle = join(repo, 'dist/s6migrate.cjs');
let dir: string;

describe('single-file build', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 's6m-single-'));
    copyFileSync(bundle, join(dir, 's6migrate.cjs'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help with no node_modules in reach', () => {
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    const r = spawnSync(process.execPath, [join(dir, 's6migrate.cjs'), '--help'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const cmd of ['scan', 'convert', 'check', 'upgrade', 'wizard', 'apply', 'rollback', 'graph']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    }
  });

  it('converts the sample host', () => {
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, [join(dir, 's6migrate.cjs'), 'convert', '--root', join(repo, 'samples/host'), '--out', out], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBeLessThanOrEqual(1);
    expect(readFileSync(join(out, 'default/type'), 'utf8')).toBe('bundle\n');
  });

  it('a reader closing the pipe early (`| head -c 1`) is no error: exit code of the work, nothing on stderr', () => {
    // `sh -c` gives the real pipe a shell user has; PIPESTATUS-like status through a temp file.
    const status = join(dir, 'status');
    const script = `"${process.execPath}" "${join(dir, 's6migrate.cjs')}" scan --root "${join(repo, 'samples/host')}" --json 2>"${dir}/err"; echo $? > "${status}"`;
    const r = spawnSync('sh', ['-c', `(${script}) | head -c 1`], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout).toBe('{');
    expect(readFileSync(join(dir, 'err'), 'utf8')).toBe('');
    // scan exits 0 or 1 (services needing attention), never 2 or a crash.
    expect(['0', '1']).toContain(readFileSync(status, 'utf8').trim());
  });

  // No Node older than 18.19 is installed here: a preload makes this Node report another version to the
  // prologue (the real Node 18 run is test/host/debian-node.test.ts). The prologue's syntax is checked apart.
  it.each([
    ['16.20.2', 2],
    ['18.18.2', 2],
    ['18.19.0', 0],
  ])('under a Node reporting %s: exit %i (2 with one clear line, before anything else is parsed)', (version, code) => {
    const shim = join(dir, `as-${version}.cjs`);
    writeFileSync(shim, `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: ${JSON.stringify(version)} } });\n`);
    const r = spawnSync(process.execPath, ['-r', shim, join(dir, 's6migrate.cjs'), '--help'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(code);
    if (code === 0) return expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`s6migrate: Node ${version} is too old: s6migrate needs Node 18.19 or later (Debian 12: apt install nodejs)\n`);
  });

  it('the prologue is plain ES5 and everything after it is inside comments, unparsed until the check passes', () => {
    const text = readFileSync(bundle, 'latin1');
    const prologue = text.slice(text.indexOf('\n') + 1, text.indexOf('\n/*s6migrate-front\n'));
    expect(prologue).toMatch(/process\.exitCode = 2/);
    // esbuild leaves code unchanged only if it needs nothing newer than the target.
    expect(transformSync(prologue, { target: 'es5' }).code).toBe(transformSync(prologue, { target: 'esnext' }).code);
    // What follows is comments only: strip them, nothing is left.
    const rest = text.slice(text.indexOf('\n/*s6migrate-front\n'));
    expect(rest.replace(/\/\*[\s\S]*?\*\//g, '').trim()).toBe('');
    // And package.json says the same minimum.
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).engines.node).toBe('>=18.19');
  });

  it('docs/s6migrate.1 is generated from the current --help definitions', () => {
    expect(readFileSync(join(repo, 'docs/s6migrate.1'), 'utf8')).toBe(renderManPage(buildProgram()));
  });
});
