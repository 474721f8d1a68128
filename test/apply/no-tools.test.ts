/** Without s6-rc on PATH, apply and rollback explain what to install and touch nothing. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, rollback } from '../../src/apply/index.js';
import { findTools } from '../../src/s6rc/tools.js';
import { bundleCli, runCli } from './cli-bundle.js';
import { bundleDef, listing, longrunDef, removeTemps, tempDir, writeSpec } from './helpers.js';

afterAll(removeTemps);

describe('no s6-rc tools on PATH', () => {
  let cli: string;
  let emptyBin: string;
  beforeAll(() => {
    cli = bundleCli();
    emptyBin = tempDir('s6m-empty-bin-');
  });

  it('findTools reports every tool missing on an empty PATH, and ignores relative PATH entries', () => {
    expect(findTools(emptyBin).missing).toEqual(['s6-rc-compile', 's6-rc-update', 's6-rc-init', 's6-rc', 's6-rc-db']);
    expect(findTools('').missing).toHaveLength(5);
    expect(findTools('.:bin').missing).toHaveLength(5);
  });

  it('apply exits 2, names what to install and creates nothing', () => {
    const tmp = tempDir();
    const src = writeSpec(join(tmp, 'src'), { svc: longrunDef('#!/bin/sh\nexec sleep 1\n'), default: bundleDef('svc') });
    const root = join(tmp, 'etc-s6-rc');
    const live = join(tmp, 'run-s6-rc');
    const before = listing(tmp);
    const r = runCli(cli, ['apply', src, '--compiled-root', root, '--live', live], { PATH: emptyBin, NO_COLOR: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('s6-rc-compile, s6-rc-update not found on PATH; nothing was changed');
    expect(r.stderr).toContain('skarnet.org/software/s6-rc');
    expect(r.stderr).toContain('not packaged by Debian');
    expect(existsSync(root)).toBe(false);
    expect(existsSync(live)).toBe(false);
    expect(listing(tmp)).toEqual(before);
  });

  it('rollback exits 2 the same way', () => {
    const tmp = tempDir();
    mkdirSync(join(tmp, 'root'));
    const before = listing(tmp);
    const r = runCli(cli, ['rollback', '--compiled-root', join(tmp, 'root'), '--live', join(tmp, 'live')], { PATH: emptyBin });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('s6-rc-update not found on PATH');
    expect(listing(tmp)).toEqual(before);
  });

  it('in-process: the report says refused, and the source tree is not validated before the tools are found', async () => {
    const tmp = tempDir();
    const src = writeSpec(join(tmp, 'src'), { svc: longrunDef('#!/bin/sh\n') });
    const report = await apply(src, { compiledRoot: join(tmp, 'root'), live: join(tmp, 'live'), keep: 3, dryRun: false, pathEnv: emptyBin });
    expect(report).toMatchObject({ exitCode: 2, outcome: 'refused', diagnostics: [] });
    expect((await rollback({ compiledRoot: join(tmp, 'root'), live: join(tmp, 'live'), keep: 3, dryRun: true, pathEnv: emptyBin })).exitCode).toBe(2);
    expect(existsSync(join(tmp, 'root'))).toBe(false);
  });
});

describe('usage errors (no tools needed)', () => {
  it('refuses a missing source directory and a bad --keep', async () => {
    const tmp = tempDir();
    const opts = { compiledRoot: join(tmp, 'root'), live: join(tmp, 'live'), keep: 3, dryRun: false };
    expect(await apply(join(tmp, 'nope'), opts)).toMatchObject({ exitCode: 2, outcome: 'refused' });
    const src = writeSpec(join(tmp, 'src'), { svc: longrunDef('#!/bin/sh\n') });
    expect((await apply(src, { ...opts, keep: 0 })).messages.join('\n')).toContain('--keep');
    expect(existsSync(join(tmp, 'root'))).toBe(false);
  });
});
