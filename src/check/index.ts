import type { Diagnostic } from '../model/diagnostic.js';
import { diag } from '../model/diagnostic.js';

export interface CheckResult {
  ok: boolean;
  diagnostics: Diagnostic[];
}

// Placeholder until the validator lands: rejects everything so nothing unchecked is ever kept.
export function checkTree(dir: string): CheckResult {
  return { ok: false, diagnostics: [diag('error', 'check-missing', dir, undefined, 'validator not available yet')] };
}
