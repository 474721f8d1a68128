/**
 * A unit that runs to completion stays a oneshot (resolvconf.service: RemainAfterExit=yes, no Type=), and
 * DynamicUser= never becomes a daemon running as root: nobody, or User= (shadowsocks-libev.service), on the real
 * Debian units of the corpus.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSystemd } from '../../importers/systemd/index.js';
import type { Service, SystemdEvidence } from '../../src/model/service.js';
import { emitTree } from '../../src/s6rc/emit.js';
import { oneshotWorkspace } from './build.js';
import { upgrade } from '../../src/upgrade/upgrade.js';

const corpus = resolve(process.env.S6M_CORPUS ?? '.cache/corpus');

function unitService(pkg: string, file: string): Service {
  const root = join(corpus, pkg);
  const r = importSystemd({ root, files: [join(root, 'lib/systemd/system', file)] });
  const s = r.services.find((x) => x.name === file.replace(/\.service$/, ''));
  expect(s).toBeDefined();
  return s!;
}


describe.skipIf(!existsSync(join(corpus, 'resolvconf')))('RemainAfterExit=yes without Type= (resolvconf.service)', () => {
  it('is a oneshot: ExecStart is up, ExecStop is down, with a finding', () => {
    const s = unitService('resolvconf', 'resolvconf.service');
    expect((s.sources[0] as SystemdEvidence).serviceType).toBe('oneshot');
    expect(s.wrapper).toMatchObject({ kind: 'oneshot', up: [['/sbin/resolvconf', '--enable-updates']], down: [['/sbin/resolvconf', '--disable-updates']] });
    expect(s.findings.map((f) => f.code)).toContain('unit-remain-oneshot');
  });

  it('is not upgraded to a longrun', () => {
    const r = upgrade(oneshotWorkspace(unitService('resolvconf', 'resolvconf.service')), 'resolvconf', { log: true }, true);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('runs-to-completion');
    expect(r.reason).toContain('RemainAfterExit=yes and no Type=');
  });
});

describe.skipIf(!existsSync(join(corpus, 'shadowsocks-libev')))('DynamicUser=yes (shadowsocks-libev.service)', () => {
  it('the first conversion runs it as nobody, never root, and says so', () => {
    const s = unitService('shadowsocks-libev', 'shadowsocks-libev.service');
    expect(s.run.user?.name).toBe('nobody');
    expect(s.findings.find((f) => f.code === 'unit-dynamic-user')?.message).toMatch(/runs as nobody/);
    expect(s.wrapper?.kind).toBe('longrun');
    const tree = emitTree([s], { facilityMembers: {} }).tree;
    expect(tree.definitions.get('shadowsocks-libev')!.files['run']!.content).toMatch(/"s6-setuidgid" "nobody"/);
  });

  it('the upgrade runs it as nobody too, and says which account', () => {
    const r = upgrade(oneshotWorkspace(unitService('shadowsocks-libev', 'shadowsocks-libev.service')), 'shadowsocks-libev', { log: true }, true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.proposal.plan.user).toBe('nobody');
    expect(r.proposal.plan.carried.join('\n')).toContain('DynamicUser=yes: runs as nobody');
  });

  it('--user names the account the run script drops to', () => {
    const r = upgrade(oneshotWorkspace(unitService('shadowsocks-libev', 'shadowsocks-libev.service')), 'shadowsocks-libev', { log: true, user: 'nobody' }, true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const run = r.ws.tree.definitions.get('shadowsocks-libev-srv')!.files['run']!.content;
    expect(run).toMatch(/"s6-setuidgid" "nobody"/);
  });

  it('with User= it runs as that account and says so', () => {
    const s = unitService('shadowsocks-libev', 'shadowsocks-libev.service');
    const ev = s.sources[0] as SystemdEvidence;
    ev.directives['Service']!['User'] = { values: ['ssuser'], origin: { file: ev.file } };
    const r = upgrade(oneshotWorkspace(s), 'shadowsocks-libev', { log: true }, true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.proposal.plan.user).toBe('ssuser');
    expect(r.proposal.plan.carried.join('\n')).toContain('DynamicUser=yes with User=ssuser');
  });
});
