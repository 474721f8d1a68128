/**
 * Property: whatever the files under a host root say, an importer returns data and diagnostics, never an
 * exception; every diagnostic names a file and any line it gives exists in that file; every service has a
 * name. Inputs are generated from fragments of the real syntaxes, then mutated; real corpus files are
 * mutated byte by byte too.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { importSysv } from '../../importers/sysv/index.js';
import { importOpenrc } from '../../importers/openrc/index.js';
import { importSystemd } from '../../importers/systemd/index.js';
import type { ImportResult } from '../../src/model/service.js';
import { CORPUS_SKIP } from '../support/corpus.js';
import { CORPUS, HAVE_CORPUS, importViolations, withTempRoot, writeRoot } from './helpers.js';
import { confD, lsbHeader, mutate, mutations, openrcScript, serviceFileName, shellDefaults, structuredSysvScript, structuredUnit, sysvScript, unitFile, unitName } from './generators.js';

// Half near-valid (reaches daemon calls, ExecStart parsing, dependencies), half free-form.
const anySysvScript = fc.oneof(structuredSysvScript, sysvScript);
const anyUnit = fc.oneof(structuredUnit, unitFile);

// S6M_FC_RUNS raises the run count for a longer bug hunt; the default keeps the file quick.
const RUNS = Number(process.env.S6M_FC_RUNS ?? 150);

function run(importer: () => ImportResult): string[] {
  let r: ImportResult;
  try {
    r = importer();
  } catch (e) {
    return [`importer threw: ${e instanceof Error ? e.stack : String(e)}`];
  }
  return importViolations(r);
}

describe('sysvinit importer on generated and mutated scripts', () => {
  it('never throws; diagnostics point into real lines; services are named', () => {
    fc.assert(
      fc.property(serviceFileName, anySysvScript, fc.option(shellDefaults, { nil: undefined }), fc.boolean(), mutations(4), (name, script, defaults, link, muts) => {
        const bad = withTempRoot('sysv', (root) => {
          const files: Record<string, string | { link: string }> = { [`etc/init.d/${name}`]: mutate(script, muts) };
          if (defaults !== undefined) files[`etc/default/${name}`] = defaults;
          if (link) files[`etc/rc2.d/S01${name}`] = { link: `../init.d/${name}` };
          writeRoot(root, files);
          return run(() => importSysv({ root, files: [join(root, 'etc/init.d', name)] }));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('a header alone (no shebang, missing END, odd separators) never throws', () => {
    fc.assert(
      fc.property(lsbHeader, fc.constantFrom('\n', '\r\n'), (header, nl) => {
        const bad = withTempRoot('lsb', (root) => {
          writeRoot(root, { 'etc/init.d/svc': header.join(nl) });
          return run(() => importSysv({ root, files: [join(root, 'etc/init.d/svc')] }));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('OpenRC importer on generated and mutated scripts', () => {
  it('never throws; diagnostics point into real lines; services are named', () => {
    fc.assert(
      fc.property(serviceFileName, openrcScript, fc.option(confD, { nil: undefined }), fc.option(confD, { nil: undefined }), fc.constantFrom('default', 'boot', 'shutdown', ''), mutations(4), (name, script, conf, rcConf, level, muts) => {
        const bad = withTempRoot('openrc', (root) => {
          const files: Record<string, string | { link: string }> = { [`etc/init.d/${name}`]: mutate(script, muts) };
          if (conf !== undefined) files[`etc/conf.d/${name}`] = conf;
          if (rcConf !== undefined) files['etc/rc.conf'] = rcConf;
          if (level) files[`etc/runlevels/${level}/${name}`] = { link: `/etc/init.d/${name}` };
          writeRoot(root, files);
          return run(() => importOpenrc({ root, files: [join(root, 'etc/init.d', name)] }));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('systemd importer on generated and mutated units', () => {
  it('never throws; diagnostics point into real lines; services are named', () => {
    fc.assert(
      fc.property(unitName, anyUnit, fc.option(anyUnit, { nil: undefined }), fc.boolean(), fc.constantFrom('lib/systemd/system', 'etc/systemd/system', 'usr/lib/systemd/system'), mutations(4), (name, unit, dropIn, wanted, dir, muts) => {
        const bad = withTempRoot('systemd', (root) => {
          const files: Record<string, string | { link: string }> = { [`${dir}/${name}`]: mutate(unit, muts) };
          if (dropIn !== undefined) files[`etc/systemd/system/${name}.d/override.conf`] = dropIn;
          if (wanted) files[`etc/systemd/system/multi-user.target.wants/${name}`] = { link: `/${dir}/${name}` };
          writeRoot(root, files);
          return run(() => importSystemd({ root, files: [join(root, dir, name)] }));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('a template and its instance with a drop-in for the template never throw', () => {
    fc.assert(
      fc.property(anyUnit, anyUnit, fc.constantFrom('inst', 'a\\x2db', '', 'é', '%i'), (tpl, dropIn, instance) => {
        const bad = withTempRoot('systemd-tpl', (root) => {
          writeRoot(root, {
            'lib/systemd/system/t@.service': tpl,
            'etc/systemd/system/t@.service.d/x.conf': dropIn,
            [`etc/systemd/system/multi-user.target.wants/t@${instance}.service`]: { link: '/lib/systemd/system/t@.service' },
          });
          return run(() => importSystemd({ root, files: [join(root, 'lib/systemd/system/t@.service')] }));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

/** Regular files of the corpus under `sub` of each package: [package, path relative to the package]. */
function corpusFiles(sub: string): [string, string][] {
  if (!HAVE_CORPUS) return [];
  const out: [string, string][] = [];
  for (const pkg of readdirSync(CORPUS).sort()) {
    if (pkg.startsWith('.')) continue;
    const dir = join(CORPUS, pkg, sub);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const p = join(dir, n);
      try {
        if (statSync(p).isFile()) out.push([pkg, relative(join(CORPUS, pkg), p)]);
      } catch {
        // dangling link in the corpus: nothing to mutate
      }
    }
  }
  return out;
}

describe.skipIf(!HAVE_CORPUS)(`mutated real files from the corpus (${CORPUS}${CORPUS_SKIP})`, () => {
  const scripts = corpusFiles('etc/init.d');
  const units = [...corpusFiles('lib/systemd/system'), ...corpusFiles('usr/lib/systemd/system')].filter(([, p]) => /\.(service|target|socket|timer)$/.test(p));

  it('finds corpus files to mutate', () => {
    expect(scripts.length).toBeGreaterThan(10);
    expect(units.length).toBeGreaterThan(10);
  });

  it('mutated init scripts (with their mutated /etc/default file) never break the sysvinit importer', () => {
    fc.assert(
      fc.property(fc.constantFrom(...scripts), mutations(12), mutations(6), ([pkg, rel], muts, defMuts) => {
        const bad = withTempRoot('corpus-sysv', (root) => {
          const text = readFileSync(join(CORPUS, pkg, rel), 'utf8');
          const files: Record<string, string> = { [rel]: mutate(text, muts) };
          const defRel = rel.replace('etc/init.d/', 'etc/default/');
          try {
            files[defRel] = mutate(readFileSync(join(CORPUS, pkg, defRel), 'utf8'), defMuts);
          } catch {
            // no defaults file for this script
          }
          writeRoot(root, files);
          return run(() => importSysv({ root, files: [join(root, rel)] }));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('mutated init scripts read as OpenRC scripts (wrong importer) never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...scripts), mutations(12), ([pkg, rel], muts) => {
        const bad = withTempRoot('corpus-openrc', (root) => {
          // Give it an openrc-run shebang so the whole body goes through the OpenRC reader.
          const text = readFileSync(join(CORPUS, pkg, rel), 'utf8').replace(/^#!.*/, '#!/sbin/openrc-run');
          writeRoot(root, { [rel]: mutate(text, muts) });
          return run(() => importOpenrc({ root, files: [join(root, rel)] }));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('mutated units never break the systemd importer', () => {
    fc.assert(
      fc.property(fc.constantFrom(...units), mutations(12), ([pkg, rel], muts) => {
        const bad = withTempRoot('corpus-systemd', (root) => {
          writeRoot(root, { [rel]: mutate(readFileSync(join(CORPUS, pkg, rel), 'utf8'), muts) });
          return run(() => importSystemd({ root, files: [join(root, rel)] }));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
