// Test-only: put an in-memory tree on disk the way the writer lays it out, to run the validator on it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { S6Tree } from '../../src/s6rc/tree.js';

export function writeTreeForTest(tree: S6Tree, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const def of tree.definitions.values()) {
    const base = join(dir, def.name);
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'type'), `${def.type}\n`);
    if (def.type === 'bundle') {
      mkdirSync(join(base, 'contents.d'), { recursive: true });
      for (const c of def.contents) writeFileSync(join(base, 'contents.d', c), '');
    } else {
      mkdirSync(join(base, 'dependencies.d'), { recursive: true });
      for (const d of def.dependencies) writeFileSync(join(base, 'dependencies.d', d), '');
    }
    for (const [path, f] of Object.entries(def.files)) {
      mkdirSync(dirname(join(base, path)), { recursive: true });
      writeFileSync(join(base, path), f.content, { mode: f.mode ?? 0o644 });
    }
  }
}
