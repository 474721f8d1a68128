/**
 * Loading and saving an output tree for upgrade, downgrade, wizard and status. Reading goes through
 * `readTree`; every write goes through `writeTreeAtomic`, which validates the tree in a temporary
 * directory beside the target and only then renames it into place, so a tree failing the validator is
 * never left behind. `model.json` and any other state file are carried through unchanged.
 */
import { join } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { readTree } from '../s6rc/read-tree.js';
import { writeTreeAtomic } from '../s6rc/serialize.js';
import { STATE_DIR } from '../s6rc/tree.js';
import { MODEL_FILE, parseModel, parseState, renderState, STATE_FILE, type SavedModel } from '../state/state.js';
import { stripRoot } from '../util/host-path.js';
import type { Workspace } from './upgrade.js';

export interface Loaded {
  ws?: Workspace;
  /** Every state file as read, so saving keeps the ones this stage does not own. */
  stateFiles: Record<string, string>;
  diagnostics: Diagnostic[];
}

export function loadWorkspace(dir: string): Loaded {
  const read = readTree(dir);
  const diagnostics = [...read.diagnostics];
  const stateFiles = { ...read.state };
  const { model, diagnostics: md } = parseModel(stateFiles[MODEL_FILE], join(dir, STATE_DIR, MODEL_FILE));
  const { state, diagnostics: sd } = parseState(stateFiles[STATE_FILE], join(dir, STATE_DIR, STATE_FILE));
  diagnostics.push(...md, ...sd);
  if (!model || diagnostics.some((d) => d.severity === 'error')) return { stateFiles, diagnostics };
  return { ws: { tree: read.tree, model: onConvertedSystem(model), state }, stateFiles, diagnostics };
}

/**
 * The model with every recorded `file` named as on the converted system: upgrade, wizard and status
 * run there, where `--root` (a mount point at convert time) means nothing. The upgrade reads no file.
 */
export function onConvertedSystem(model: SavedModel): SavedModel {
  const root = model.host.root;
  if (!root) return model;
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key === 'file' ? stripRoot(root, v) : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return { ...model, services: walk(model.services) as SavedModel['services'], host: walk(model.host) as SavedModel['host'] };
}

export function saveWorkspace(dir: string, ws: Workspace, stateFiles: Record<string, string>): { ok: boolean; diagnostics: Diagnostic[] } {
  const r = writeTreeAtomic(ws.tree, dir, { force: true, state: { ...stateFiles, [STATE_FILE]: renderState(ws.state) } });
  return { ok: r.ok, diagnostics: r.diagnostics };
}
