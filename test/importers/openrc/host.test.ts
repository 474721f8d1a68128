/**
 * The hand-written Alpine-like host end to end: every script imported together, then converted by the
 * passes and the writer, and the tree checked by the validator.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOpenrc } from '../../../importers/openrc/index.js';
import { planConversion } from '../../../src/passes/index.js';
import { writeTreeInto } from '../../../src/s6rc/serialize.js';
import { checkTree } from '../../../src/check/index.js';
import { cleanupRoots, fixtureHost } from './helpers.js';

const out = mkdtempSync(join(tmpdir(), 's6m-openrc-out-'));
afterAll(() => {
  cleanupRoots();
  rmSync(out, { recursive: true, force: true });
});

const root = fixtureHost(
  {
    'etc/runlevels/default/webd': '/etc/init.d/webd',
    'etc/runlevels/default/confprec': '/etc/init.d/confprec',
    'etc/runlevels/boot/custom': '/etc/init.d/custom',
    'etc/runlevels/sysinit/getty.tty1': '/etc/init.d/getty.tty1',
  },
  ['etc/runlevels/shutdown'],
);
const scripts = readdirSync(join(root, 'etc/init.d')).sort().map((n) => join(root, 'etc/init.d', n));
const result = importOpenrc({ root, files: scripts });

describe('fixture host', () => {
  it('imports every OpenRC script; the sysv one and the broken ones are diagnostics with file and line', () => {
    expect(result.services.map((s) => s.name)).toEqual(['broken-depend', 'broken-quote', 'conditional', 'confprec', 'custom', 'getty.tty1', 'oldname', 'webd']);
    expect(result.diagnostics.map((d) => `${d.file.slice(root.length)}:${d.line} ${d.code}`)).toEqual([
      '/etc/init.d/broken-depend:2 openrc-unterminated-function',
      '/etc/init.d/broken-quote:3 openrc-unterminated-quote',
      '/etc/init.d/oldname:1 openrc-runscript',
      '/etc/init.d/plain-sysv:1 openrc-not-a-script',
    ]);
  });

  it('webd: dependencies, provides, run facts, env and findings', () => {
    const s = result.services.find((x) => x.name === 'webd')!;
    expect(s.description).toBe('Example web daemon');
    expect(s.deps.map((d) => `${d.kind} ${d.target}${d.facility ? ' (facility)' : ''}`)).toEqual([
      'requires network (facility)', 'wants syslog (facility)', 'wants named (facility)', 'wants postgresql', 'after firewall (facility)', 'before nginx',
    ]);
    expect(s.provides).toEqual(['webserver']);
    expect(s.startIn).toEqual(['runlevel-default']);
    expect(s.run.daemon!.argv).toEqual(['/usr/sbin/webd', '--config', '/etc/webd/main conf', '--workers', '4', '--foreground']);
    expect(s.run.env['WEBD_HOME']!.value).toBe('/srv/www');
    expect(s.run.user!.name).toBe('web');
    expect(s.run.stopSignal!.name).toBe('QUIT');
    const ev = s.sources[0]!;
    expect(ev.format === 'openrc' && ev.keywords).toEqual(['-docker', '-stop']);
    expect(ev.format === 'openrc' && ev.functions).toEqual(['reload', 'start_pre']);
  });

  it('converts to a tree the validator accepts, each service wrapping its script with --nodeps', () => {
    const plan = planConversion([result]);
    writeTreeInto(out, plan.tree, {});
    const check = checkTree(out);
    expect(check.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(check.ok).toBe(true);
    expect(readFileSync(join(out, 'webd', 'type'), 'utf8')).toBe('oneshot\n');
    expect(readFileSync(join(out, 'webd', 'up'), 'utf8')).toContain('/etc/init.d/webd');
    expect(readFileSync(join(out, 'webd', 'up'), 'utf8')).toContain('--nodeps');
    expect(readdirSync(join(out, 'webd', 'dependencies.d'))).toContain('network');
    expect(readdirSync(join(out, 'default', 'contents.d')).sort()).toEqual(expect.arrayContaining(['runlevel-default']));
  });
});
