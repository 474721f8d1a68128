import type { ImportInput, ImportResult } from '../../src/model/service.js';
import { emptyHostFacts } from '../../src/model/service.js';
import { diag } from '../../src/model/diagnostic.js';

// Placeholder until the openrc importer lands: every file is reported as not read yet.
export function importOpenrc(input: ImportInput): ImportResult {
  return {
    services: [],
    host: emptyHostFacts(),
    diagnostics: input.files.map((f) => diag('error', 'importer-missing', f, undefined, 'openrc importer not available yet')),
  };
}
