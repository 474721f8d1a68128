/**
 * Builds s6-rc source trees on disk from a compact spec, for the validator tests.
 * A string or Buffer is a file, an object a directory, `link(target)` a symlink, `fifo()` a named pipe.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Link { symlink: string }
export interface Fifo { fifo: true }
export type Spec = { [name: string]: string | Buffer | Link | Fifo | Spec };

export const link = (target: string): Link => ({ symlink: target });
export const fifo = (): Fifo => ({ fifo: true });

const created: string[] = [];

function write(dir: string, spec: Spec): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, v] of Object.entries(spec)) {
    const p = join(dir, name);
    if (typeof v === 'string' || Buffer.isBuffer(v)) writeFileSync(p, v);
    else if ('symlink' in v && typeof v.symlink === 'string') symlinkSync(v.symlink, p);
    else if ('fifo' in v && v.fifo === true) execFileSync('mkfifo', [p]);
    else write(p, v as Spec);
  }
}

/** Writes the tree into a fresh temp dir and returns the source directory path. */
export function makeTree(spec: Spec): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-check-'));
  created.push(root);
  const src = join(root, 'src');
  write(src, spec);
  return src;
}

export function removeTrees(): void {
  while (created.length) rmSync(created.pop()!, { recursive: true, force: true });
}

// Shorthands for definitions.
export const oneshot = (up = 'true\n', extra: Spec = {}): Spec => ({ type: 'oneshot\n', up, ...extra });
export const longrun = (extra: Spec = {}): Spec => ({ type: 'longrun\n', run: '#!/bin/sh\nexec sleep 1000\n', ...extra });
export const bundle = (members: string[], extra: Spec = {}): Spec => ({
  type: 'bundle\n',
  'contents.d': Object.fromEntries(members.map((m) => [m, ''])),
  ...extra,
});
export const deps = (...names: string[]): Spec => ({ 'dependencies.d': Object.fromEntries(names.map((n) => [n, ''])) });
