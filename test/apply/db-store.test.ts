import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  currentIsReplaceable, dbName, isDbName, listDatabases, planPrune, removeDatabases, swapCurrent, uniqueDbName,
} from '../../src/apply/db-store.js';
import { removeTemps, tempDir } from './helpers.js';

afterAll(removeTemps);

describe('database names', () => {
  it('are compiled-<UTC stamp with ms>-<8 hex> and recognised as ours', () => {
    const n = dbName(new Date(Date.UTC(2025, 2, 1, 12, 0, 5, 7)), 'abcdef0123456789');
    expect(n).toBe('compiled-20250301T120005.007Z-abcdef01');
    expect(isDbName(n)).toBe(true);
    for (const foreign of ['compiled', 'current', 'compiled-x', `${n}/`, `${n}.bak`, 'sources']) expect(isDbName(foreign)).toBe(false);
  });

  it('sort in time order in byte order, whatever the hash', () => {
    const a = dbName(new Date(Date.UTC(2025, 0, 9, 23, 59, 59, 999)), 'ffffffff');
    const b = dbName(new Date(Date.UTC(2025, 0, 10, 0, 0, 0, 0)), '00000000');
    const c = dbName(new Date(Date.UTC(2025, 0, 10, 0, 0, 0, 1)), '00000000');
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });

  it('never reuse an existing database or source copy, and stay after it in order', () => {
    const root = tempDir();
    const when = new Date(Date.UTC(2025, 0, 1));
    const first = uniqueDbName(root, when, 'aaaaaaaa');
    mkdirSync(join(root, first));
    const second = uniqueDbName(root, when, 'aaaaaaaa');
    expect(second).not.toBe(first);
    expect(second > first).toBe(true);
    mkdirSync(join(root, 'sources', second), { recursive: true });
    const third = uniqueDbName(root, when, 'aaaaaaaa');
    expect(new Set([first, second, third]).size).toBe(3);
  });

  it('listDatabases lists only our directories, oldest first', () => {
    const root = tempDir();
    const names = ['compiled-20250102T000000.000Z-00000000', 'compiled-20250101T000000.000Z-ffffffff'];
    for (const n of names) mkdirSync(join(root, n));
    mkdirSync(join(root, 'compiled'));
    mkdirSync(join(root, 'sources'));
    writeFileSync(join(root, 'compiled-20250103T000000.000Z-00000000'), 'a file, not a database');
    symlinkSync(names[0]!, join(root, 'compiled-20250104T000000.000Z-00000000'));
    expect(listDatabases(root)).toEqual([names[1], names[0]]);
    expect(listDatabases(join(root, 'missing'))).toEqual([]);
  });
});

describe('pruning', () => {
  const dbs = ['compiled-1', 'compiled-2', 'compiled-3', 'compiled-4', 'compiled-5'];

  it('keeps the newest N', () => {
    expect(planPrune(dbs, 3, new Set())).toEqual(['compiled-1', 'compiled-2']);
    expect(planPrune(dbs, 5, new Set())).toEqual([]);
    expect(planPrune(dbs, 10, new Set())).toEqual([]);
  });

  it('never prunes the live database or the one `current` names, even when old', () => {
    expect(planPrune(dbs, 2, new Set(['compiled-1', 'compiled-2']))).toEqual(['compiled-3']);
    expect(planPrune([...dbs].reverse(), 1, new Set(['compiled-3']))).toEqual(['compiled-1', 'compiled-2', 'compiled-4']);
  });

  it('keeps at least one even if asked for zero', () => {
    expect(planPrune(dbs, 0, new Set())).toEqual(['compiled-1', 'compiled-2', 'compiled-3', 'compiled-4']);
  });

  it('removeDatabases deletes the database and its sources, and nothing not named like ours', () => {
    const root = tempDir();
    const n = 'compiled-20250101T000000.000Z-00000000';
    mkdirSync(join(root, n));
    mkdirSync(join(root, 'sources', n), { recursive: true });
    mkdirSync(join(root, 'precious'));
    removeDatabases(root, [n, 'precious', '../precious']);
    expect(existsSync(join(root, n))).toBe(false);
    expect(existsSync(join(root, 'sources', n))).toBe(false);
    expect(existsSync(join(root, 'precious'))).toBe(true);
  });
});

describe('atomic swap of `current`', () => {
  it('creates, then replaces the symlink, leaving no temporary link behind', () => {
    const root = tempDir();
    swapCurrent(root, 'compiled-a');
    expect(readlinkSync(join(root, 'current'))).toBe('compiled-a');
    swapCurrent(root, 'compiled-b');
    expect(readlinkSync(join(root, 'current'))).toBe('compiled-b');
    expect(readdirSync(root)).toEqual(['current']);
  });

  it('refuses to treat a real directory called current as replaceable', () => {
    const root = tempDir();
    expect(currentIsReplaceable(root)).toBe(true);
    mkdirSync(join(root, 'current'));
    expect(currentIsReplaceable(root)).toBe(false);
    expect(() => swapCurrent(root, 'compiled-a')).toThrow();
    expect(readdirSync(root)).toEqual(['current']);
  });

  it('is never observed missing by a concurrent reader (rename over, not unlink then create)', async () => {
    const root = tempDir();
    swapCurrent(root, 'compiled-0');
    const link = join(root, 'current');
    const side = tempDir();
    // A separate process reads the link in a tight loop and counts the times it is absent.
    const reader = spawn(process.execPath, ['-e', `
      const fs = require('node:fs'); let reads = 0, missing = 0; const end = Date.now() + 1500;
      fs.writeFileSync(process.argv[2] + '.ready', '');
      while (Date.now() < end) { try { fs.readlinkSync(process.argv[1]); } catch { missing++; } reads++; }
      process.stdout.write(JSON.stringify({ reads, missing }));`, link, join(side, 'reader')], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    reader.stdout.on('data', (c) => (out += String(c)));
    const readyFile = join(side, 'reader.ready');
    while (!existsSync(readyFile)) await new Promise((r) => setTimeout(r, 10));
    let swaps = 0;
    const end = Date.now() + 1000;
    while (Date.now() < end) swapCurrent(root, `compiled-${++swaps % 2}`);
    await new Promise((r) => reader.once('exit', r));
    const { reads, missing } = JSON.parse(out) as { reads: number; missing: number };
    expect(swaps).toBeGreaterThan(100);
    expect(reads).toBeGreaterThan(1000);
    expect(missing).toBe(0);
  });
});
