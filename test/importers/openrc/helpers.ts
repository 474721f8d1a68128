import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { importOpenrc } from '../../../importers/openrc/index.js';
import type { ImportResult, OpenrcEvidence, Service } from '../../../src/model/service.js';

export const FIXTURE_HOST = join(import.meta.dirname, '..', '..', 'fixtures', 'openrc', 'host');

const made: string[] = [];

/** A fresh host root in a temp dir: `files` maps system paths to contents, `links` symlink paths to targets. */
export function makeRoot(files: Record<string, string>, links: Record<string, string> = {}, dirs: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-openrc-'));
  made.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  for (const [p, target] of Object.entries(links)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    symlinkSync(target, join(root, p));
  }
  return root;
}

/** A copy of the hand-written fixture host with runlevel symlinks added (they are not committed). */
export function fixtureHost(links: Record<string, string>, dirs: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-openrc-host-'));
  made.push(root);
  cpSync(FIXTURE_HOST, root, { recursive: true });
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  for (const [p, target] of Object.entries(links)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    symlinkSync(target, join(root, p));
  }
  return root;
}

export function cleanupRoots(): void {
  for (const r of made.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** Imports one script given as text (installed as /etc/init.d/NAME), with optional conf.d and extra files. */
export function importScript(
  script: string,
  opts: { name?: string; confd?: string; files?: Record<string, string>; links?: Record<string, string> } = {},
): { result: ImportResult; service: Service; evidence: OpenrcEvidence; root: string; file: string } {
  const name = opts.name ?? 'svc';
  const files: Record<string, string> = { [`etc/init.d/${name}`]: script, ...(opts.files ?? {}) };
  if (opts.confd !== undefined) files[`etc/conf.d/${name}`] = opts.confd;
  const root = makeRoot(files, opts.links ?? {});
  const file = join(root, 'etc/init.d', name);
  const result = importOpenrc({ root, files: [file] });
  const service = result.services[0]!;
  if (!service) throw new Error(`no service imported: ${JSON.stringify(result.diagnostics)}`);
  return { result, service, evidence: service.sources[0] as OpenrcEvidence, root, file };
}

export const SHEBANG = '#!/sbin/openrc-run\n';

export function codes(s: Service): string[] {
  return s.findings.map((f) => f.code);
}
