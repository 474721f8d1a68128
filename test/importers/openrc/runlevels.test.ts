import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importOpenrc } from '../../../importers/openrc/index.js';
import { cleanupRoots, fixtureHost, makeRoot, SHEBANG } from './helpers.js';

afterAll(cleanupRoots);

describe('/etc/runlevels', () => {
  // Alpine/Gentoo layout: runlevel entries are symlinks into /etc/init.d (made here, not committed).
  const root = fixtureHost(
    {
      'etc/runlevels/default/webd': '/etc/init.d/webd',
      'etc/runlevels/nonetwork/webd': '/etc/init.d/webd',
      'etc/runlevels/boot/custom': '/etc/init.d/custom',
      'etc/runlevels/sysinit/getty.tty1': '/etc/init.d/getty.tty1',
      'etc/runlevels/shutdown/custom': '/etc/init.d/custom',
      'etc/runlevels/office/confprec': '/etc/init.d/confprec',
      // A stacked runlevel: `office` inside `default` brings its services along.
      'etc/runlevels/default/office': '../office',
    },
    ['etc/runlevels/sysinit', 'etc/runlevels/boot', 'etc/runlevels/default'],
  );
  const files = ['webd', 'custom', 'getty.tty1', 'confprec'].map((n) => join(root, 'etc/init.d', n));
  const r = importOpenrc({ root, files });
  const svc = (n: string) => r.services.find((s) => s.name === n)!;

  it('each runlevel listing a service is a start bundle', () => {
    expect(svc('webd').startIn).toEqual(['runlevel-default', 'runlevel-nonetwork']);
    expect(svc('custom').startIn).toEqual(['runlevel-boot']);
    expect(svc('getty.tty1').startIn).toEqual(['runlevel-sysinit']);
  });

  it('shutdown is not a start bundle: a finding instead', () => {
    const f = svc('custom').findings.find((x) => x.code === 'openrc-stop-runlevel')!;
    expect(f.message).toContain('shutdown');
    expect(svc('custom').startIn).not.toContain('runlevel-shutdown');
  });

  it('a stacked runlevel starts its services in the outer runlevel too', () => {
    expect(svc('confprec').startIn).toEqual(['runlevel-default', 'runlevel-office']);
  });

  it('host default bundles are the boot levels that exist, in boot order', () => {
    expect(r.host.defaultBundles).toEqual({ bundles: ['runlevel-sysinit', 'runlevel-boot', 'runlevel-default'], origin: { file: join(root, 'etc/runlevels') } });
  });

  it('only existing boot levels are default bundles; no runlevels dir, no default bundles', () => {
    const partial = makeRoot({ 'etc/init.d/a': `${SHEBANG}command=/bin/a\n` }, { 'etc/runlevels/default/a': '/etc/init.d/a' });
    const p = importOpenrc({ root: partial, files: [join(partial, 'etc/init.d/a')] });
    expect(p.host.defaultBundles!.bundles).toEqual(['runlevel-default']);
    expect(p.services[0]!.startIn).toEqual(['runlevel-default']);
    const bare = makeRoot({ 'etc/init.d/a': `${SHEBANG}command=/bin/a\n` });
    expect(importOpenrc({ root: bare, files: [join(bare, 'etc/init.d/a')] }).host.defaultBundles).toBeUndefined();
  });

  it('a dangling runlevel link still names the service', () => {
    const root2 = makeRoot({ 'etc/init.d/a': `${SHEBANG}command=/bin/a\n` }, { 'etc/runlevels/default/a': '/nonexistent/a' });
    expect(importOpenrc({ root: root2, files: [join(root2, 'etc/init.d/a')] }).services[0]!.startIn).toEqual(['runlevel-default']);
  });
});
