/**
 * Every diagnostic names a real file, spelled the way the user spelled --root: a relative root gives
 * relative paths everywhere (file fields, paths inside messages, the model), an absolute root absolute
 * ones. The fixture has an init script and a unit for the same service (the merge note names both) and
 * a `.target` whose bundle name a service already has (the rename note names the target unit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { relativeToUserRoot, scanHost, type ScanResult } from '../src/pipeline.js';

const repo = resolve(__dirname, '..');
const root = 'test/fixtures/pipeline/paths-host';
const cwd = process.cwd();

beforeAll(() => process.chdir(repo));
afterAll(() => process.chdir(cwd));

function reported(r: ScanResult): string {
  return JSON.stringify([r.services, r.host, r.diagnostics]);
}

describe('paths in diagnostics and the model', () => {
  it('name an existing file or directory, relative to the cwd, for a relative --root', () => {
    const r = scanHost({ paths: [], root });
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) {
      expect(isAbsolute(d.file), `${d.code}: ${d.file}`).toBe(false);
      expect(d.file.startsWith(`${root}/`), `${d.code}: ${d.file}`).toBe(true);
      expect(existsSync(d.file), `${d.code}: ${d.file}`).toBe(true);
    }
    // No absolute path of the checkout anywhere, including inside messages and the model.
    const text = reported(r);
    expect(text).not.toContain(repo);
  });

  it('names both files of a merged service, each relative, in the merge note', () => {
    const r = scanHost({ paths: [], root });
    const merge = r.diagnostics.find((d) => d.code === 'merge-winner');
    expect(merge?.file).toBe(`${root}/etc/init.d/spoold`);
    expect(merge?.message).toContain(` ${root}/etc/init.d/spoold (sysv)`);
    expect(merge?.message).toContain(` ${root}/lib/systemd/system/spoold.service (systemd)`);
  });

  it('gives a bundle from a .target unit that unit as its file', () => {
    const r = scanHost({ paths: [], root });
    const renamed = r.diagnostics.find((d) => d.code === 'bundle-renamed');
    expect(renamed).toMatchObject({ file: `${root}/lib/systemd/system/archive.target` });
    expect(r.host.bundles?.find((b) => b.name === 'archive-bundle')?.contents).toEqual(['spoold']);
  });

  it('without /etc/inittab, takes the default runlevel from the init.d directory, which exists', () => {
    const r = scanHost({ paths: [], root });
    const d = r.diagnostics.find((x) => x.code === 'inittab-no-default');
    expect(d?.file).toBe(`${root}/etc/init.d`);
    expect(r.host.defaultBundles?.origin.file).toBe(`${root}/etc/init.d`);
  });

  it('spells the root as the user did (./ and a trailing slash normalised), the same bytes every run', () => {
    const plain = reported(scanHost({ paths: [], root }));
    expect(reported(scanHost({ paths: [], root }))).toBe(plain);
    expect(reported(scanHost({ paths: [], root: `./${root}/` }))).toBe(plain);
  });

  it('keeps an absolute --root absolute', () => {
    const abs = resolve(root);
    const r = scanHost({ paths: [], root: abs });
    for (const d of r.diagnostics) {
      expect(d.file.startsWith(`${abs}/`), `${d.code}: ${d.file}`).toBe(true);
      expect(existsSync(d.file)).toBe(true);
    }
    expect(r.diagnostics.find((d) => d.code === 'merge-winner')?.message).toContain(`${abs}/lib/systemd/system/spoold.service`);
  });
});

describe('relativeToUserRoot', () => {
  const abs = resolve('samples/host');

  it('rewrites the root path at the start of a string and inside text, nowhere else', () => {
    const fix = relativeToUserRoot('samples/host');
    expect(fix(`${abs}/etc/x`)).toBe('samples/host/etc/x');
    expect(fix(abs)).toBe('samples/host');
    expect(fix(`a (${abs}/lib/u.service) and ${abs}: b`)).toBe('a (samples/host/lib/u.service) and samples/host: b');
    // A longer name that starts the same, or the path nested under another directory, is another file.
    expect(fix(`${abs}ile/x`)).toBe(`${abs}ile/x`);
    expect(fix(`/mnt${abs}/x`)).toBe(`/mnt${abs}/x`);
    expect(fix({ list: [`${abs}/a`], n: 1 })).toEqual({ list: ['samples/host/a'], n: 1 });
  });

  it('leaves everything as it is for an absolute root', () => {
    expect(relativeToUserRoot(abs)(`${abs}/etc/x`)).toBe(`${abs}/etc/x`);
  });
});
