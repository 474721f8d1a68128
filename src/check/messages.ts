/**
 * Diagnostic construction for the validator. Each message starts with the text s6-rc-compile 0.5.4.1
 * prints for the same condition (reference §2.4, so users can match compiler output), then says why.
 */
import { diag, type Diagnostic, type Severity } from '../model/diagnostic.js';
import { display, type BytePath } from './bytes.js';

export class Findings {
  readonly list: Diagnostic[] = [];

  add(severity: Severity, code: string, file: BytePath, upstream: string, why: string, opts: { line?: number; service?: string } = {}): void {
    const service = opts.service === undefined ? undefined : display(opts.service);
    this.list.push(diag(severity, code, display(file), opts.line || undefined, `${display(upstream)}: ${why}`, service));
  }

  error(code: string, file: BytePath, upstream: string, why: string, opts?: { line?: number; service?: string }): void {
    this.add('error', code, file, upstream, why, opts);
  }

  warning(code: string, file: BytePath, upstream: string, why: string, opts?: { line?: number; service?: string }): void {
    this.add('warning', code, file, upstream, why, opts);
  }
}

export const RESERVED_PREFIXES = ['s6rc-', 's6-rc-'] as const;
/** s6-rc-compile's check_identifier: its own internal services use these prefixes. */
export const isReserved = (name: string): boolean => RESERVED_PREFIXES.some((p) => name.startsWith(p));
