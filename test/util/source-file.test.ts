import { describe, expect, it, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSourceFile } from '../../src/util/source-file.js';

const dir = mkdtempSync(join(tmpdir(), 's6m-src-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Buffer | string) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

describe('readSourceFile', () => {
  it('reads UTF-8 text', () => {
    expect(readSourceFile(file('ok', '#!/bin/sh\necho café\n'))).toEqual({ ok: true, text: '#!/bin/sh\necho café\n' });
  });

  it('refuses non-UTF-8 text by default, naming the file', () => {
    const r = readSourceFile(file('l1', Buffer.from('#!/bin/sh\n# Caf\xe9\n', 'latin1')));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic).toMatchObject({ code: 'not-utf8', severity: 'error', file: join(dir, 'l1') });
  });

  it('with the Latin-1 fallback, reads the script and warns at the first bad line', () => {
    const r = readSourceFile(file('l1b', Buffer.from('#!/bin/sh\n# ok\n# Caf\xe9\n', 'latin1')), { latin1Fallback: true });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.text).toBe('#!/bin/sh\n# ok\n# Caf\u00e9\n');
      expect(r.warning).toMatchObject({ code: 'not-utf8', severity: 'warning', line: 3 });
    }
  });

  it('one diagnostic each for binary files, directories, FIFOs and symlink loops', () => {
    const bin = readSourceFile(file('bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])));
    expect(bin.ok ? '' : bin.diagnostic.code).toBe('binary-file');
    expect((readSourceFile(dir) as { diagnostic: { code: string } }).diagnostic.code).toBe('not-a-file');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    // O_NONBLOCK: opening a FIFO must not hang the run.
    expect((readSourceFile(join(dir, 'fifo')) as { diagnostic: { code: string } }).diagnostic.code).toBe('not-a-file');
    const loop1 = join(dir, 'loop1');
    symlinkSync(join(dir, 'loop2'), loop1);
    symlinkSync(loop1, join(dir, 'loop2'));
    const loop = readSourceFile(loop1);
    expect(loop.ok ? '' : loop.diagnostic.message).toContain('symlink loop');
  });
});
