import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importOpenrc } from '../../../importers/openrc/index.js';
import type { OpenrcEvidence } from '../../../src/model/service.js';
import { cleanupRoots, FIXTURE_HOST, importScript, makeRoot, SHEBANG } from './helpers.js';

afterAll(cleanupRoots);

describe('conf.d precedence (conf.d is sourced before the script)', () => {
  const file = join(FIXTURE_HOST, 'etc/init.d/confprec');
  const result = importOpenrc({ root: FIXTURE_HOST, files: [file] });
  const ev = result.services[0]!.sources[0] as OpenrcEvidence;
  const value = (n: string) => ev.vars[n]?.value;

  it('a plain assignment in the script overrides conf.d', () => {
    expect(value('plain')).toBe('script');
    expect(ev.vars['plain']!.origin).toEqual({ file, line: 3 });
  });

  it('x=${x:-default} and x=${x-default} keep the conf.d value', () => {
    expect(value('keep_colon_minus')).toBe('confd');
    expect(value('keep_minus')).toBe('confd');
  });

  it(': ${x:=default} keeps the conf.d value, with the conf.d origin', () => {
    expect(value('keep_assign')).toBe('confd');
    expect(ev.vars['keep_assign']!.origin).toEqual({ file: join(FIXTURE_HOST, 'etc/conf.d/confprec'), line: 4 });
  });

  it('an empty conf.d value: :- replaces it, - keeps it', () => {
    expect(value('empty_colon_minus')).toBe('script');
    expect(value('empty_minus')).toBe('');
  });

  it('a default with nothing in conf.d is the script default', () => {
    expect(value('only_script')).toBe('script');
  });

  it('the daemon argv sees the merged values, and conf.d is an optional shell env file', () => {
    const s = result.services[0]!;
    expect(s.run.daemon!.argv).toEqual(['/usr/bin/confprec', 'script', 'confd', 'confd']);
    expect(s.run.envFiles.map((f) => [f.path, f.optional, f.syntax])).toEqual([['/etc/conf.d/confprec', true, 'shell']]);
    expect(ev.confFile).toBe(join(FIXTURE_HOST, 'etc/conf.d/confprec'));
  });
});

describe('which conf.d files', () => {
  it('an instance reads conf.d/BASE then conf.d/NAME', () => {
    const file = join(FIXTURE_HOST, 'etc/init.d/getty.tty1');
    const s = importOpenrc({ root: FIXTURE_HOST, files: [file] }).services[0]!;
    expect(s.run.envFiles.map((f) => f.path)).toEqual(['/etc/conf.d/getty', '/etc/conf.d/getty.tty1']);
    expect(s.run.daemon!.argv).toEqual(['/sbin/agetty', 'tty1', '115200']);
  });

  it('conf.d beside the script directory wins over the root /etc/conf.d', () => {
    const root = makeRoot({ 'etc/conf.d/svc': 'opt=root\n', 'opt/alt/init.d/svc': `${SHEBANG}command=/bin/d\ncommand_args=$opt\n`, 'opt/alt/conf.d/svc': 'opt=beside\n' });
    const s = importOpenrc({ root, files: [join(root, 'opt/alt/init.d/svc')] }).services[0]!;
    expect(s.run.daemon!.argv).toEqual(['/bin/d', 'beside']);
    expect(s.run.envFiles[0]!.path).toBe('/opt/alt/conf.d/svc');
  });

  it('a script outside the root falls back to the root /etc/conf.d', () => {
    const root = makeRoot({ 'etc/conf.d/svc': 'opt=root\n' });
    const elsewhere = makeRoot({ 'scripts/svc': `${SHEBANG}command=/bin/d\ncommand_args=$opt\n` });
    const s = importOpenrc({ root, files: [join(elsewhere, 'scripts/svc')] }).services[0]!;
    expect(s.run.daemon!.argv).toEqual(['/bin/d', 'root']);
  });

  it('no conf.d: no env file', () => {
    expect(importScript(`${SHEBANG}command=/bin/d\n`).service.run.envFiles).toEqual([]);
  });

  it('/etc/rc.conf is applied after conf.d; only its settings for this service are kept as evidence', () => {
    const { service, evidence } = importScript(`${SHEBANG}command=/bin/d\n`, {
      confd: 'x=1\n',
      files: { 'etc/rc.conf': 'rc_parallel="YES"\nrc_svc_need="sshd"\n' },
    });
    expect(service.deps.map((d) => `${d.kind} ${d.target}`)).toEqual(['requires sshd']);
    expect(Object.keys(evidence.vars).sort()).toEqual(['command', 'rc_svc_need', 'x']);
    expect(service.run.envFiles.map((f) => f.path)).toEqual(['/etc/conf.d/svc']);
  });

  it('export in conf.d reaches the daemon environment', () => {
    const { service } = importScript(`${SHEBANG}command=/bin/d\n`, { confd: 'export JAVA_HOME=/usr/lib/jvm\nLOCAL=1\n' });
    expect(service.run.env).toEqual({ JAVA_HOME: { value: '/usr/lib/jvm', origin: { file: expect.stringContaining('conf.d/svc'), line: 1 } } });
  });
});
