import { spawnSync } from 'node:child_process';
import { STACK_ROWS } from '../support/stacks.js';
import { chmodSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conversionFile } from '../../src/apply/conversion-file.js';
import { diffTrees, fingerprintTree, hashTree } from '../../src/apply/diff.js';
import { bundleDef, longrunDef, oneshotDef, removeTemps, tempDir, writeSpec, type Spec } from './helpers.js';

afterAll(removeTemps);

const base: Spec = {
  daemon: longrunDef('#!/bin/sh\nexec sleep 100\n', { 'dependencies.d': { setup: '' } }),
  other: longrunDef('#!/bin/sh\nexec sleep 200\n'),
  setup: oneshotDef('"/bin/true"\n'),
  default: bundleDef('daemon', 'other'),
};

function twoTrees(change: (dir: string) => void, spec: Spec = base): { oldDir: string; newDir: string } {
  const oldDir = writeSpec(join(tempDir(), 'src'), spec);
  const newDir = writeSpec(join(tempDir(), 'src'), spec);
  change(newDir);
  return { oldDir, newDir };
}

const diffOf = (t: { oldDir: string; newDir: string }) => diffTrees(fingerprintTree(t.oldDir), fingerprintTree(t.newDir));

describe('definition changes', () => {
  it('identical trees: nothing to restart, same hash', () => {
    const t = twoTrees(() => {});
    expect(diffOf(t)).toEqual({ restart: [], changedOneshots: [], added: [], removed: [], typeChanged: [] });
    expect(hashTree(fingerprintTree(t.oldDir))).toBe(hashTree(fingerprintTree(t.newDir)));
  });

  it('a run-only change restarts exactly that longrun and changes the tree hash', () => {
    const t = twoTrees((d) => writeFileSync(join(d, 'daemon/run'), '#!/bin/sh\nexec sleep 101\n'));
    expect(diffOf(t).restart).toEqual(['daemon']);
    expect(hashTree(fingerprintTree(t.oldDir))).not.toBe(hashTree(fingerprintTree(t.newDir)));
  });

  it('env/, data/, notification-fd and the exec bit of run count; dependencies and timeouts do not', () => {
    expect(diffOf(twoTrees((d) => writeSpec(join(d, 'daemon/env'), { FOO: 'bar' }))).restart).toEqual(['daemon']);
    expect(diffOf(twoTrees((d) => writeSpec(join(d, 'other/data'), { cfg: 'x' }))).restart).toEqual(['other']);
    expect(diffOf(twoTrees((d) => writeFileSync(join(d, 'other/notification-fd'), '3\n'))).restart).toEqual(['other']);
    expect(diffOf(twoTrees((d) => chmodSync(join(d, 'other/run'), 0o644))).restart).toEqual(['other']);
    expect(diffOf(twoTrees((d) => symlinkSync('/etc/hostname', join(d, 'other/data-link')))).restart).toEqual([]);
    const engineOnly = twoTrees((d) => {
      rmSync(join(d, 'daemon/dependencies.d'), { recursive: true });
      writeFileSync(join(d, 'daemon/timeout-up'), '5000\n');
      writeFileSync(join(d, 'daemon/flag-essential'), '');
    });
    expect(diffOf(engineOnly).restart).toEqual([]);
  });

  it('new and removed services are reported but not restarted; type changes are left to s6-rc-update', () => {
    const d = diffOf(twoTrees((dir) => {
      rmSync(join(dir, 'other'), { recursive: true });
      writeSpec(join(dir, 'fresh'), longrunDef('#!/bin/sh\nexec sleep 1\n'));
      writeFileSync(join(dir, 'setup/type'), 'longrun\n');
      writeFileSync(join(dir, 'setup/run'), '#!/bin/sh\n');
    }));
    expect(d).toEqual({ restart: [], changedOneshots: [], added: ['fresh'], removed: ['other'], typeChanged: ['setup'] });
  });

  it('oneshot changes are reported separately, never as restarts', () => {
    const d = diffOf(twoTrees((dir) => writeFileSync(join(dir, 'setup/up'), '"/bin/false"\n')));
    expect(d.restart).toEqual([]);
    expect(d.changedOneshots).toEqual(['setup']);
  });

  it('ignores dot entries, which s6-rc-compile ignores', () => {
    const d = diffOf(twoTrees((dir) => writeSpec(join(dir, '.s6migrate'), { 'model.json': '{}' })));
    expect(d.added).toEqual([]);
  });

  it('follows a top-level symlinked definition, as s6-rc-compile does', () => {
    const elsewhere = writeSpec(join(tempDir(), 'daemon'), longrunDef('#!/bin/sh\nexec sleep 100\n', { 'dependencies.d': { setup: '' } }));
    const t = twoTrees((dir) => {
      rmSync(join(dir, 'daemon'), { recursive: true });
      symlinkSync(elsewhere, join(dir, 'daemon'));
    });
    expect(diffOf(t).restart).toEqual([]);
    writeFileSync(join(elsewhere, 'run'), '#!/bin/sh\nexec sleep 5\n');
    expect(diffOf(t).restart).toEqual(['daemon']);
  });
});

describe('conversion file', () => {
  it('is empty when nothing needs a restart', () => {
    expect(conversionFile([])).toBe('');
  });

  it('has one quoted `restart` line per longrun, sorted and deduplicated', () => {
    const text = conversionFile(['zeta', 'alpha', 'zeta']);
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['"alpha" restart', '"zeta" restart', '']);
  });

  it.each(STACK_ROWS)('quotes hostile names so the execline lexer gives them back byte for byte [s6-rc %s]', (_v, stack) => {
    const names = ['a b', 'x"y', 'back\\slash', '#hash', '{', 'tab\there', 'dollar$HOME', 'ünï'];
    const text = conversionFile(names);
    // Lex each non-comment line with the stack's execline lexer (`execlineb -Pc`, then printf prints one word a line).
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const words = lines.map((l) => {
      const r = spawnSync(stack.tool('execlineb'), ['-Pc', `/usr/bin/printf "%s\\\\n" ${l}`], { encoding: 'utf8', env: stack.env });
      expect(r.status).toBe(0);
      return r.stdout.split('\n').slice(0, -1);
    });
    expect(words).toEqual([...names].sort().map((n) => [n, 'restart']));
  });
});
