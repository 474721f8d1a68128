/**
 * `checkTree(dir)`: the validator. Accepts exactly the source directories s6-rc-compile 0.5.4.x accepts
 * (reference: /work/shared/docs/s6-rc-reference.md §1-§3, §7). Where s6-rc-compile stops at the first
 * error this reports every error it finds; the verdict (`ok`) is the same. Synchronous and read-only.
 */
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { toBytePath } from './bytes.js';
import { readDefinition, type Definition } from './definition.js';
import { checkLongrunFiles } from './longrun-files.js';
import { Findings } from './messages.js';
import { resolveAll } from './resolve.js';
import { scanSource } from './scan.js';

export interface CheckResult {
  ok: boolean;
  diagnostics: Diagnostic[];
}

export function checkTree(dir: string): CheckResult {
  const f = new Findings();
  // s6-rc-compile names files SRC/svc/file with SRC as given; drop trailing slashes so paths read the same.
  const src = toBytePath(dir.length > 1 ? dir.replace(/\/+$/, '') : dir);
  const defs = new Map<string, Definition>();
  for (const name of scanSource(f, src)) {
    const d = readDefinition(f, src, name);
    if (d) defs.set(name, d);
  }
  resolveAll(f, defs);
  for (const d of defs.values()) if (d.type === 'longrun') checkLongrunFiles(f, d);
  const diagnostics = sortDiagnostics(f.list);
  return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
}

export { compileWithS6rc, type CompileResult } from './compile.js';
