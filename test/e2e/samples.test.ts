/**
 * The bundled sample: samples/output is exactly what `convert --root samples/host --out samples/output`
 * writes today (regenerate with `npm run demo` when a stage changes its output), it passes the validator,
 * and the real s6-rc-compile of both stacks accepts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkTree } from '../../src/check/index.js';
import { expectCompiles } from '../support/valid-tree.js';
import { STACK_ROWS } from '../support/stacks.js';
import { convertHost } from '../../src/pipeline.js';
import { hashTree } from './hash-tree.js';

const repo = resolve(__dirname, '../..');
const cwd = process.cwd();
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 's6m-samples-'));
  // The demo runs from the repository with a relative --root; model.json records paths as given.
  process.chdir(repo);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(work, { recursive: true, force: true });
});

describe('samples/', () => {
  it('samples/output is what convert writes for samples/host (run `npm run demo` to refresh it)', () => {
    const out = join(work, 'output');
    const r = convertHost({ paths: [], root: 'samples/host', out, force: false });
    expect(r.write.ok).toBe(true);
    expect(hashTree('samples/output')).toEqual(hashTree(out));
  });

  it('samples/output passes the validator', () => {
    expect(checkTree('samples/output')).toMatchObject({ ok: true, diagnostics: [] });
  });

  it.each(STACK_ROWS)('samples/output compiles with the real s6-rc-compile [s6-rc %s]', (_v, stack) => {
    expectCompiles('samples/output', [stack]);
  });
});
