/**
 * scan and convert in-process on the bundled sample host: what comes out, model.json, identical bytes
 * on every run, inputs untouched, and --root: every path written is the converted system's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { convertHost, scanHost } from '../src/pipeline.js';
import { fingerprint, hashTree } from './e2e/hash-tree.js';

const repo = resolve(__dirname, '..');
const sampleHost = 'samples/host';
let work: string;
const cwd = process.cwd();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 's6m-pipeline-'));
  // Relative paths in these tests are relative to the repository, as a user in the checkout types them.
  process.chdir(repo);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(work, { recursive: true, force: true });
});

function allFiles(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    return statSync(join(dir, r)).isDirectory() ? allFiles(dir, r) : [r];
  });
}

describe('scanHost on the sample host', () => {
  it('finds every service of every format, with runlevels and dependencies', () => {
    const r = scanHost({ paths: [], root: sampleHost });
    const byName = Object.fromEntries(r.services.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['backupd', 'kvstore', 'metricsd', 'minilogd', 'netsetup', 'rc.local', 'webapp']);
    expect(byName['metricsd']!.format).toBe('systemd');
    expect(byName['webapp']!.format).toBe('sysv');
    expect(byName['netsetup']!.startIn).toEqual(['runlevel-S']);
    // X-Start-Before: backupd, turned around.
    expect(byName['backupd']!.s6Dependencies).toContain('webapp');
    // $all: after the latest service of its runlevel, which comes after all the others.
    expect(byName['rc.local']!.s6Dependencies).toEqual(['backupd']);
    expect(byName['kvstore']!.sources[0]).toMatchObject({ file: 'samples/host/etc/init.d/kvstore', systemPath: '/etc/init.d/kvstore' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('keeps a relative --root relative in everything it reports', () => {
    const r = scanHost({ paths: [], root: sampleHost });
    const text = JSON.stringify([r.services, r.host, r.diagnostics]);
    expect(text).not.toContain(resolve(sampleHost));
    expect(text).toContain('samples/host/etc/default/kvstore');
  });
});

describe('convertHost', () => {
  it('writes the tree and .s6migrate/model.json, the same bytes every run', () => {
    const a = join(work, 'a');
    const r = convertHost({ paths: [], root: sampleHost, out: a, force: false });
    expect(r.write.ok).toBe(true);
    const model = JSON.parse(readFileSync(join(a, '.s6migrate/model.json'), 'utf8'));
    expect(model.version).toBe(1);
    expect(model.services.map((s: { name: string }) => s.name)).toEqual(['backupd', 'kvstore', 'metricsd', 'minilogd', 'netsetup', 'rc.local', 'webapp']);
    expect(model.host.bundles.map((b: { name: string }) => b.name)).toContain('default');
    expect(readFileSync(join(a, 'webapp/up'), 'utf8')).toBe('"/etc/init.d/webapp" "start"\n');
    const first = hashTree(a);
    expect(convertHost({ paths: [], root: sampleHost, out: a, force: true }).write.ok).toBe(true);
    expect(hashTree(a)).toEqual(first);
    const b = join(work, 'b');
    convertHost({ paths: [], root: sampleHost, out: b, force: false });
    expect(hashTree(b)).toEqual(first);
  });

  it('leaves its inputs with their bytes and timestamps', () => {
    const before = fingerprint(sampleHost);
    scanHost({ paths: [], root: sampleHost });
    convertHost({ paths: [], root: sampleHost, out: join(work, 'c'), force: false });
    convertHost({ paths: ['samples/host/etc/init.d'], root: sampleHost, out: join(work, 'c'), force: true });
    expect(fingerprint(sampleHost)).toEqual(before);
  });

  it('with an absolute --root, writes only paths of the converted system into the definitions', () => {
    // A distinctive root, so any leak of it is unmistakable.
    const root = join(work, 'mounted-image-root');
    cpSync(join(repo, sampleHost), root, { recursive: true, verbatimSymlinks: true });
    const out = join(work, 'rooted');
    const r = convertHost({ paths: [], root, out, force: false });
    expect(r.write.ok).toBe(true);
    const definitionFiles = allFiles(out).filter((f) => !f.startsWith('.s6migrate/'));
    expect(definitionFiles.length).toBeGreaterThan(20);
    for (const f of definitionFiles) expect(readFileSync(join(out, f), 'utf8'), f).not.toContain('mounted-image-root');
    // model.json records where each file was read (the disk path) and, separately, its system path.
    const model = JSON.parse(readFileSync(join(out, '.s6migrate/model.json'), 'utf8'));
    for (const s of model.services) for (const src of s.sources) expect(src.systemPath).toMatch(/^\/etc\//);
  });

  it('a PATH named explicitly is converted alone, the rest of the host still known for companions', () => {
    const out = join(work, 'one');
    const r = convertHost({ paths: ['samples/host/etc/init.d/kvstore'], root: sampleHost, out, force: false });
    expect(r.write.ok).toBe(true);
    expect(r.services.map((s) => s.name)).toEqual(['kvstore']);
    // /etc/default/kvstore under --root was applied.
    expect(r.services[0]!.run.daemon?.argv).toContain('--max-memory');
  });
});
