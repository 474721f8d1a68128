/**
 * sysvinit importer: `/etc/init.d` scripts (read statically, never run) plus the host's rc links,
 * `/etc/default` files, inittab and insserv.conf, into model services.
 */
import { cmp, diag, sortDiagnostics, type Diagnostic } from '../../src/model/diagnostic.js';
import type { ImportInput, ImportResult, Service } from '../../src/model/service.js';
import { RcLinkIndex } from './companions.js';
import { readSysvHostFacts } from './host-files.js';
import { importScript } from './script.js';

export function importSysv(input: ImportInput): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const services: Service[] = [];
  const byName = new Map<string, Service>(); // the first service of each name (a search per script is quadratic)
  const rc = new RcLinkIndex(input.root);
  for (const file of input.files) {
    let r: ReturnType<typeof importScript>;
    try {
      r = importScript(file, input.root, rc);
    } catch (e) {
      // A bug here must cost one script, not the run.
      r = { diagnostics: [diag('error', 'sysv-internal-error', file, undefined, `internal error while reading: ${String(e)}`)] };
    }
    diagnostics.push(...r.diagnostics);
    if (!r.service) continue;
    const dup = byName.get(r.service.name);
    if (dup) {
      diagnostics.push(diag('warning', 'sysv-duplicate-name', file, undefined, `a script named "${dup.name}" was already read from ${dup.sources[0]?.file}; this one is ignored`));
      continue;
    }
    byName.set(r.service.name, r.service);
    services.push(r.service);
  }
  const host = readSysvHostFacts(input.root, services.length > 0);
  diagnostics.push(...host.diagnostics);
  services.sort((a, b) => cmp(a.name, b.name));
  return { services, host: host.host, diagnostics: sortDiagnostics(diagnostics) };
}
