/**
 * A unified diff between definitions, so the wizard can show what an upgrade changes on disk. Files are a
 * few lines long, so each file is one hunk computed with a plain LCS table.
 */
import { cmp } from '../model/diagnostic.js';
import type { S6Definition } from '../s6rc/tree.js';

/** A definition as the files it becomes on disk: `NAME/type`, `NAME/dependencies.d/X`, `NAME/run`, ... */
export function definitionFiles(def: S6Definition): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${def.name}/type`, `${def.type}\n`);
  for (const d of def.dependencies) files.set(`${def.name}/dependencies.d/${d}`, '');
  for (const c of def.contents) files.set(`${def.name}/contents.d/${c}`, '');
  for (const [path, f] of Object.entries(def.files)) files.set(`${def.name}/${path}`, f.content);
  return files;
}

function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function fileDiff(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(' ' + a[i]);
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push('+' + b[j]);
      j++;
    } else {
      out.push('-' + a[i]);
      i++;
    }
  }
  return out;
}

export function unifiedDiff(before: readonly S6Definition[], after: readonly S6Definition[]): string {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  for (const d of before) for (const [k, v] of definitionFiles(d)) a.set(k, v);
  for (const d of after) for (const [k, v] of definitionFiles(d)) b.set(k, v);
  const out: string[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort(cmp)) {
    const x = a.get(path);
    const y = b.get(path);
    if (x === y) continue;
    const al = lines(x ?? '');
    const bl = lines(y ?? '');
    out.push(x === undefined ? '--- /dev/null' : `--- a/${path}`, y === undefined ? '+++ /dev/null' : `+++ b/${path}`);
    out.push(`@@ -${al.length === 0 ? 0 : 1},${al.length} +${bl.length === 0 ? 0 : 1},${bl.length} @@`);
    out.push(...fileDiff(al, bl));
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}
