/** An upgraded longrun keeps making the unit's RuntimeDirectory= and friends, owned by the account it runs as. */
import { describe, expect, it } from 'vitest';
import type { Service } from '../../src/model/service.js';
import { definition, newTree } from '../../src/s6rc/tree.js';
import { emptyState } from '../../src/state/state.js';
import { upgrade, type UpgradeRequest } from '../../src/upgrade/upgrade.js';
import { service, unit } from './build.js';

const o = { file: '/lib/systemd/system/d.service', line: 4 };

function upgraded(s: Service, req: Partial<UpgradeRequest> = {}): string {
  const t = newTree();
  const d = definition(s.name, 'oneshot');
  d.files['up'] = { content: '"/usr/sbin/d"\n' };
  t.definitions.set(s.name, d);
  const r = upgrade({ tree: t, model: { version: 1, services: [s], host: { facilityMembers: {} } }, state: emptyState() }, s.name, { log: true, ...req }, true);
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
  return r.ws.tree.definitions.get(`${s.name}-srv`)!.files['run']!.content;
}

function daemon(): Service {
  const s = service('d', [unit('d', 'simple', ['/usr/sbin/d'])]);
  s.run.directories = [{ path: '/run/d', mode: '0755', origin: o }, { path: '/var/lib/d', mode: '0700', origin: o }];
  return s;
}

describe('directories in the upgraded run script', () => {
  it('mkdir and chown to User=:Group= before the privilege drop', () => {
    const s = daemon();
    s.run.user = { name: 'dd', origin: o };
    s.run.group = { name: 'ddg', origin: o };
    const run = upgraded(s);
    const lines = run.split('\n');
    const at = (w: string) => lines.findIndex((l) => l.includes(w));
    expect(lines.slice(at('/bin/mkdir'), at('/bin/mkdir') + 4)).toEqual([
      'if { "/bin/mkdir" "-p" "-m" "0755" "/run/d" }',
      'if { "/bin/chown" "dd:ddg" "/run/d" }',
      'if { "/bin/mkdir" "-p" "-m" "0700" "/var/lib/d" }',
      'if { "/bin/chown" "dd:ddg" "/var/lib/d" }',
    ]);
    expect(at('/bin/chown')).toBeLessThan(at('s6-envuidgid'));
  });

  it('--user overrides the owner too; without any user no chown', () => {
    expect(upgraded(daemon(), { user: 'other' })).toContain('if { "/bin/chown" "other" "/run/d" }');
    const plain = upgraded(daemon());
    expect(plain).toContain('if { "/bin/mkdir" "-p" "-m" "0700" "/var/lib/d" }');
    expect(plain).not.toContain('chown');
  });
});
