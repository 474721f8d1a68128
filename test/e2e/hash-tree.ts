// Test helper: every entry under a directory -> kind, mode and content hash, to compare trees byte for byte.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const n of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const p = join(dir, r);
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out[r] = `dir ${mode}`;
        walk(r);
      } else if (st.isSymbolicLink()) {
        out[r] = `link ${readlinkSync(p)}`;
      } else {
        out[r] = `file ${mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      }
    }
  };
  walk('');
  return out;
}

/** Bytes and modification times of every file, to prove inputs were not touched. */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const n of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(join(dir, r));
      out[r] = `${st.mtimeMs} ${st.mode}`;
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) out[r] += ' ' + createHash('sha256').update(readFileSync(join(dir, r))).digest('hex');
    }
  };
  walk('');
  return out;
}
