/**
 * Socket activation on a systemd host: `.socket` units are not converted, so the service a socket in the
 * boot transaction activates is started at boot in the socket's bundle (with a warning; not a daemon that
 * only runs with the passed socket), its socket's
 * directory is made by the run script, and options that take the socket from systemd are dropped.
 * Real units from the corpus (uuid-runtime's uuidd.socket/uuidd.service, dbus's dbus.service); dbus.socket
 * is Debian bookworm's (dbus-system-bus-common, not in the corpus), as installed on the booted test host.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { CORPUS, CORPUS_SKIP } from '../support/corpus.js';
import { expectCompiles } from '../support/valid-tree.js';

describe.skipIf(CORPUS_SKIP !== '')(`socket-activated services on a systemd host${CORPUS_SKIP}`, () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-socket-act-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const root = join(work, 'root');
  const lib = join(root, 'lib/systemd/system');
  mkdirSync(join(root, 'etc/systemd/system/sockets.target.wants'), { recursive: true });
  mkdirSync(lib, { recursive: true });
  for (const u of ['uuidd.socket', 'uuidd.service']) cpSync(join(CORPUS, 'uuid-runtime/lib/systemd/system', u), join(lib, u));
  cpSync(join(CORPUS, 'dbus/lib/systemd/system/dbus.service'), join(lib, 'dbus.service'));
  writeFileSync(join(lib, 'dbus.socket'), '[Unit]\nDescription=D-Bus System Message Bus Socket\n\n[Socket]\nListenStream=/run/dbus/system_bus_socket\n');
  writeFileSync(join(lib, 'sockets.target'), '[Unit]\nDescription=Sockets\n');
  for (const s of ['uuidd.socket', 'dbus.socket']) symlinkSync(`/lib/systemd/system/${s}`, join(root, 'etc/systemd/system/sockets.target.wants', s));
  const out = join(work, 'out');
  const r = convertHost({ paths: [], root, out, force: false, init: 'systemd' });

  it('starts a service whose socket is enabled where the socket is, and says so', () => {
    expect(r.write.ok, JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
    const dbus = r.services.find((x) => x.name === 'dbus')!;
    const sock = r.services.find((x) => x.name === 'dbus.socket')!;
    expect(sock.startIn.length).toBeGreaterThan(0);
    expect(dbus.startIn).toEqual(sock.startIn);
    expect(r.diagnostics.filter((d) => d.code === 'socket-activation-replaced').map((d) => d.service)).toEqual(['dbus']);
    expect(readFileSync(join(out, 'sockets/contents.d/dbus'), 'utf8')).toBe('');
    expectCompiles(out);
  });

  it('leaves in no bundle a daemon that only runs with the socket systemd passes (uuidd --socket-activation)', () => {
    expect(r.services.find((x) => x.name === 'uuidd')!.startIn).toEqual([]);
    expect(r.services.find((x) => x.name === 'uuidd.socket')!.startIn.length).toBeGreaterThan(0);
    expect(r.diagnostics.filter((d) => d.code === 'socket-activation-not-replaced').map((d) => d.service)).toEqual(['uuidd']);
  });

  it('makes the socket directory and drops the options that take the socket from systemd', () => {
    const run = readFileSync(join(out, 'dbus/run'), 'utf8');
    expect(run).toContain('if { "/bin/mkdir" "-p" "-m" "0755" "/run/dbus" }');
    expect(run).not.toContain('--address=systemd:');
    expect(run).not.toContain('--systemd-activation');
    expect(run).toContain('"/usr/bin/dbus-daemon" "--system" "--nofork" "--nopidfile" "--syslog-only"');
    expect(readFileSync(join(out, 'uuidd/run'), 'utf8')).toContain('/run/uuidd');
  });

  it('leaves a service alone whose socket is not enabled', () => {
    const root2 = join(work, 'root2');
    cpSync(lib, join(root2, 'lib/systemd/system'), { recursive: true });
    const r2 = convertHost({ paths: [], root: root2, out: join(work, 'out2'), force: false, init: 'systemd' });
    expect(r2.services.find((x) => x.name === 'dbus')!.startIn).toEqual([]);
    expect(r2.diagnostics.filter((d) => d.code === 'socket-activation-replaced')).toEqual([]);
  });
});
