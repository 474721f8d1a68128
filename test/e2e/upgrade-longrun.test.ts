/**
 * A systemd unit the first conversion already made a longrun (Type=simple) is upgraded into a logged
 * pipeline with every run fact carried over, shows up in `status`, and `downgrade` gives back the very
 * bytes `convert` wrote.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTree } from '../../src/check/index.js';
import { convertHost } from '../../src/pipeline.js';
import { runMain } from '../support/run-main.js';
import { hashTree } from './hash-tree.js';

const work = mkdtempSync(join(tmpdir(), 's6m-up-longrun-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const WEB_UNIT = `[Unit]
Description=web daemon
[Service]
Type=simple
User=www-data
Group=adm
Environment=PORT=8080 LANG=C
EnvironmentFile=-/etc/default/web
WorkingDirectory=/srv/web
UMask=0027
LimitNOFILE=4096
KillSignal=SIGINT
TimeoutStopSec=20
ExecStart=/usr/bin/webd --port \${PORT} --foreground
[Install]
WantedBy=multi-user.target
`;
const API_UNIT = `[Unit]
Requires=web.service
After=web.service
[Service]
Type=exec
ExecStart=/usr/bin/apid
[Install]
WantedBy=multi-user.target
`;

const cli = runMain;

const withoutState = (h: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).filter(([k]) => k !== '.s6migrate/state.json'));

describe('upgrading a first-conversion longrun (systemd Type=simple)', () => {
  const root = join(work, 'root');
  const out = join(work, 'out');
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  writeFileSync(join(root, 'etc/systemd/system/web.service'), WEB_UNIT);
  writeFileSync(join(root, 'etc/systemd/system/api.service'), API_UNIT);
  // Enabled as `systemctl enable` leaves them: [Install] alone starts nothing.
  mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'));
  for (const u of ['web', 'api']) symlinkSync(`../${u}.service`, join(root, `etc/systemd/system/multi-user.target.wants/${u}.service`));
  const converted = convertHost({ paths: [], root, out, force: false });
  const before = hashTree(out);
  const firstRun = existsSync(join(out, 'web/run')) ? readFileSync(join(out, 'web/run'), 'utf8') : '';

  it('convert made web a plain longrun; status lists it as not yet upgraded', async () => {
    expect(converted.write.ok, JSON.stringify(converted.diagnostics, null, 1)).toBe(true);
    expect(readFileSync(join(out, 'web/type'), 'utf8')).toBe('longrun\n');
    const r = await cli(['status', '--in', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^0 of 2 services upgraded/);
    expect(r.out).toMatch(/web +wrapper +longrun without log/);
  });

  it('upgrade web gives web-srv + web-log named web, carrying every run fact', async () => {
    const r = await cli(['upgrade', 'web', '--in', out]);
    expect(r.code, r.out + r.err).toBe(0);
    // LimitNOFILE= sets the hard limit too, which s6-softlimit does not: medium (docs/fidelity.md).
    expect(r.out).toContain('web: upgraded (systemd, medium)');
    expect(existsSync(join(out, 'web'))).toBe(false);
    const run = readFileSync(join(out, 'web-srv/run'), 'utf8');
    expect(run).toContain('"fdmove" "-c" "2" "1"');
    expect(run).toContain('"s6-envdir" "./env"');
    expect(run).toContain('"envfile" "-I" "/etc/default/web"');
    expect(run).toContain('"cd" "/srv/web"');
    expect(run).toContain('"umask" "0027"');
    expect(run).toContain('"s6-softlimit" "-o" "4096"');
    // Group= is applied (the first conversion could not), and ${PORT} is expanded at start like systemd does.
    expect(run).toContain('"s6-envuidgid" "www-data" "s6-envuidgid" "-g" "adm" "s6-applyuidgid" "-z" "-U" "/bin/sh" "-c" "set -f; exec \'/usr/bin/webd\' \'--port\' \\"${PORT}\\" \'--foreground\'"');
    // Every setup line of the first conversion's run script is still there.
    const setup = firstRun.split('\n').slice(1, -2).filter((l) => !l.includes('s6-setuidgid'));
    expect(setup.length).toBeGreaterThanOrEqual(4);
    for (const line of setup) expect(run).toContain(line);
    expect(readFileSync(join(out, 'web-srv/env/PORT'), 'utf8')).toBe('8080\n');
    expect(readFileSync(join(out, 'web-srv/env/LANG'), 'utf8')).toBe('C\n');
    expect(readFileSync(join(out, 'web-srv/down-signal'), 'utf8')).toBe('INT\n');
    expect(readFileSync(join(out, 'web-srv/timeout-kill'), 'utf8')).toBe('20000\n');
    expect(readFileSync(join(out, 'web-log/pipeline-name'), 'utf8')).toBe('web\n');
    expect(readFileSync(join(out, 'web-log/run'), 'utf8')).toContain('"/var/log/s6migrate/web"');
    // Everything that named the longrun names the pipeline bundle now.
    expect(existsSync(join(out, 'api/dependencies.d/web'))).toBe(true);
    expect(existsSync(join(out, 'multi-user/contents.d/web'))).toBe(true);
    expect(checkTree(out).ok).toBe(true);
    const status = await cli(['status', '--in', out]);
    expect(status.out).toMatch(/web +longrun +systemd\/medium, log \/var\/log\/s6migrate\/web, user www-data:adm/);
  });

  it('downgrade restores the longrun convert wrote, byte for byte', async () => {
    const r = await cli(['downgrade', 'web', '--in', out]);
    expect(r.code, r.err).toBe(0);
    expect(withoutState(hashTree(out))).toEqual(withoutState(before));
  });
});
