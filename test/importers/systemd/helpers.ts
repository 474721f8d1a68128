/** Builds a throw-away host root for importer tests: files, symlinks, fixture copies. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/systemd/units');

/** Value: file text, `{ link }` for a symlink, `{ fixture }` to copy test/fixtures/systemd/units/NAME. */
export type Entry = string | { link: string } | { fixture: string };

export function makeRoot(entries: Record<string, Entry>): { root: string; path: (p: string) => string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 's6m-systemd-'));
  for (const [p, e] of Object.entries(entries)) {
    const abs = join(root, p);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof e === 'string') writeFileSync(abs, e);
    else if ('link' in e) symlinkSync(e.link, abs);
    else copyFileSync(join(FIXTURES, e.fixture), abs);
  }
  return { root, path: (p) => join(root, p), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
