/**
 * Migration state, `OUT/.s6migrate/state.json`: which services were upgraded and with what choices, so the
 * wizard can stop and resume and `status` can show progress. No timestamps, keys sorted: the same choices
 * always give the same bytes.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import type { HostFacts, Service } from '../model/service.js';
import type { S6File } from '../s6rc/tree.js';

export const STATE_FILE = 'state.json';
export const MODEL_FILE = 'model.json';

export type Stage = 'wrapper' | 'longrun';

export interface ServiceState {
  stage: Stage;
  /** Longrun: with an s6-log pipeline. */
  log?: boolean;
  command?: string[];
  user?: string;
  logDir?: string;
  logUser?: string;
  /** Which kind of evidence chose the command (`user`, `openrc`, `systemd`, `ssd-background`, `table`). */
  evidence?: string;
  confidence?: string;
  /** Wrapper: the user skipped it in the wizard; not offered again until `--all`. */
  skipped?: boolean;
  /**
   * Longrun: the first-conversion definition it replaced, restored by `downgrade`: a oneshot wrapper, or
   * the unlogged longrun a systemd unit became (`type` absent in older state files means oneshot).
   */
  former?: { type?: 'oneshot' | 'longrun'; dependencies: string[]; files: Record<string, S6File> };
}

export interface MigrationState {
  version: 1;
  services: Record<string, ServiceState>;
}

export function emptyState(): MigrationState {
  return { version: 1, services: {} };
}

/** Objects with keys in byte order, recursively, so JSON output is stable. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(cmp)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function renderState(state: MigrationState): string {
  return JSON.stringify(sortKeys(state), null, 2) + '\n';
}

export function parseState(text: string | undefined, file: string): { state: MigrationState; diagnostics: Diagnostic[] } {
  if (text === undefined) return { state: emptyState(), diagnostics: [] };
  try {
    const v = JSON.parse(text) as Partial<MigrationState>;
    if (v.version !== 1 || !v.services || typeof v.services !== 'object') {
      return { state: emptyState(), diagnostics: [diag('error', 'state-unreadable', file, undefined, 'not a version 1 migration state file')] };
    }
    return { state: { version: 1, services: v.services }, diagnostics: [] };
  } catch (e) {
    return { state: emptyState(), diagnostics: [diag('error', 'state-unreadable', file, undefined, `not valid JSON: ${String(e)}`)] };
  }
}

export interface SavedModel {
  version: 1;
  services: Service[];
  host: HostFacts;
}

export function parseModel(text: string | undefined, file: string): { model?: SavedModel; diagnostics: Diagnostic[] } {
  if (text === undefined) {
    return { diagnostics: [diag('error', 'model-missing', file, undefined, 'no model.json: the tree was not written by `s6migrate convert`')] };
  }
  try {
    const v = JSON.parse(text) as Partial<SavedModel>;
    if (v.version !== 1 || !Array.isArray(v.services)) {
      return { diagnostics: [diag('error', 'model-unreadable', file, undefined, 'not a version 1 model file')] };
    }
    return { model: { version: 1, services: v.services, host: v.host ?? { facilityMembers: {} } }, diagnostics: [] };
  } catch (e) {
    return { diagnostics: [diag('error', 'model-unreadable', file, undefined, `not valid JSON: ${String(e)}`)] };
  }
}

export function stageOf(state: MigrationState, name: string): Stage {
  return state.services[name]?.stage ?? 'wrapper';
}

export interface Progress {
  total: number;
  upgraded: number;
  rows: { name: string; stage: Stage; detail: string }[];
}

/**
 * Progress over the services the tree holds as first-conversion definitions or upgraded longruns.
 * `unloggedLongruns` names the services whose first conversion was already a longrun (systemd units), so the
 * table says so instead of calling them wrappers without comment.
 */
export function progress(state: MigrationState, serviceNames: readonly string[], unloggedLongruns: ReadonlySet<string> = new Set()): Progress {
  const rows = [...serviceNames].sort(cmp).map((name) => {
    const s = state.services[name];
    const stage = s?.stage ?? 'wrapper';
    let detail = '';
    if (s && stage === 'longrun') {
      detail = [`${s.evidence ?? '?'}/${s.confidence ?? '?'}`, s.log ? `log ${s.logDir}` : 'no log', s.user ? `user ${s.user}` : ''].filter(Boolean).join(', ');
    } else {
      detail = [unloggedLongruns.has(name) ? 'longrun without log' : '', s?.skipped ? 'skipped' : ''].filter(Boolean).join(', ');
    }
    return { name, stage, detail };
  });
  return { total: rows.length, upgraded: rows.filter((r) => r.stage === 'longrun').length, rows };
}

export function renderProgress(p: Progress): string {
  const width = Math.max(7, ...p.rows.map((r) => r.name.length));
  const lines = [`${p.upgraded} of ${p.total} services upgraded to supervised longruns`, '', `${'SERVICE'.padEnd(width)}  STAGE    DETAIL`];
  for (const r of p.rows) lines.push(`${r.name.padEnd(width)}  ${r.stage.padEnd(7)}  ${r.detail}`.trimEnd());
  return lines.join('\n') + '\n';
}
