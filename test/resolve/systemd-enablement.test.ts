/**
 * systemd enablement (issue 11): enabled means what `systemctl enable` leaves on disk (links), never
 * what [Install] proposes; a unit's own `.wants/` links are its dependencies; an alias link in /etc
 * enables. Malformed links are reported or ignored, and the rest converts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scanHost } from '../../src/pipeline.js';

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

function host(files: Record<string, string | { link: string }>): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-sd-en-'));
  roots.push(root);
  for (const [p, e] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    if (typeof e === 'string') writeFileSync(join(root, p), e);
    else symlinkSync(e.link, join(root, p));
  }
  return root;
}

const unit = (extra = '', install = 'WantedBy=multi-user.target') => `[Unit]\n${extra}\n[Service]\nExecStart=/bin/sleep 1\n[Install]\n${install}\n`;
const LIB = 'lib/systemd/system';
const ETC = 'etc/systemd/system';

describe('systemd enablement', () => {
  it('[Install] alone starts nothing; a .wants/ link does; an /etc alias link enables; a shipped alias does not', () => {
    const r = scanHost({ paths: [], init: 'systemd', root: host({
      [`${LIB}/multi-user.target`]: '[Unit]\n',
      [`${LIB}/proposed.service`]: unit(),
      [`${LIB}/linked.service`]: unit(),
      [`${ETC}/multi-user.target.wants/linked.service`]: { link: '/lib/systemd/system/linked.service' },
      [`${LIB}/lightdm.service`]: unit('', 'Alias=display-manager.service'),
      [`${ETC}/display-manager.service`]: { link: '/lib/systemd/system/lightdm.service' },
      [`${LIB}/rpcbind.service`]: unit('', 'Alias=portmap.service'),
      [`${LIB}/portmap.service`]: { link: 'rpcbind.service' },
    }) });
    const en = (n: string) => r.services.find((s) => s.name === n)!.enabled;
    expect(en('proposed')).toEqual({ value: false, why: '[Install] WantedBy=multi-user.target, but no .wants/ link: not enabled' });
    expect(en('linked')).toEqual({ value: true, why: 'linked from multi-user.target.wants' });
    expect(en('lightdm')).toEqual({ value: true, why: 'aliased as display-manager.service' });
    expect(en('rpcbind')!.value).toBe(false);
    expect(r.host.bundles!.find((b) => b.name === 'multi-user')!.contents).toEqual(['linked']);
    expect(r.diagnostics.filter((d) => d.code === 'unit-not-enabled').map((d) => d.service)).toEqual(['proposed.service']);
  });

  it("a unit's own X.service.wants/ links pull in what they name (WantedBy=X.service, enabled)", () => {
    const r = scanHost({ paths: [], init: 'systemd', root: host({
      [`${LIB}/named.service`]: unit(),
      [`${LIB}/named-resolvconf.service`]: unit('PartOf=named.service', 'WantedBy=named.service'),
      [`${ETC}/named.service.wants/named-resolvconf.service`]: { link: '/lib/systemd/system/named-resolvconf.service' },
    }) });
    expect(r.services.find((s) => s.name === 'named')!.s6Dependencies).toEqual(['named-resolvconf']);
  });

  it('malformed links: dangling, to a missing unit, a non-unit name in .wants/: nothing throws, the rest converts', () => {
    const r = scanHost({ paths: [], init: 'systemd', root: host({
      [`${LIB}/multi-user.target`]: '[Unit]\n',
      [`${LIB}/good.service`]: unit(),
      [`${ETC}/multi-user.target.wants/good.service`]: { link: '/lib/systemd/system/good.service' },
      [`${ETC}/multi-user.target.wants/gone.service`]: { link: '/lib/systemd/system/gone.service' },
      [`${ETC}/multi-user.target.wants/README`]: 'not a unit\n',
      [`${ETC}/good.service.wants/loop.service`]: { link: 'loop.service' },
    }) });
    expect(r.services.find((s) => s.name === 'good')!.startIn).toEqual(['multi-user']);
    expect(r.tree.definitions.has('good')).toBe(true);
  });
});
