/**
 * Socket activation on a systemd host. `.socket` units are not converted (no s6 equivalent yet), so the
 * service a socket activates has to stand on its own under s6-rc:
 * - it is started where its socket is: systemd starts it at the first connection, which for a socket
 *   in the boot transaction (dbus.socket from sockets.target) comes during boot on a real host; the
 *   user is told that starting at boot replaces the activation; a daemon that cannot run without the
 *   passed socket (needsPassedSocket) stays in no bundle, with a warning;
 * - the directory of the socket's path (ListenStream=/run/dbus/system_bus_socket -> /run/dbus), which
 *   systemd made for the socket, is made by the run script;
 * - options that take the socket from systemd (dbus-daemon --address=systemd:) are dropped, as the
 *   upgrade drops them (daemon table): without them the daemon listens where its configuration says.
 */
import { dirname } from 'node:path';
import { diag, type Diagnostic } from '../model/diagnostic.js';
import type { Service, SystemdEvidence } from '../model/service.js';
import { dropSystemdOnly } from '../upgrade/daemon-table.js';
import { sourceFile } from './merge.js';

const LISTEN_KEYS = ['ListenStream', 'ListenSequentialPacket', 'ListenDatagram', 'ListenFIFO'];

function systemdEvidence(s: Service): SystemdEvidence | undefined {
  const ev = s.sources[0];
  return ev?.format === 'systemd' ? ev : undefined;
}

/** The service a socket unit activates: Service= or the same name; none for Accept=yes (a template per connection). */
function activatedService(ev: SystemdEvidence): string | undefined {
  const sock = ev.directives['Socket'] ?? {};
  if (/^(1|yes|true|on)$/i.test(sock['Accept']?.values.at(-1) ?? '')) return undefined;
  const named = sock['Service']?.values.at(-1);
  const unit = named ?? ev.unit.replace(/\.socket$/, '.service');
  return unit.endsWith('.service') ? unit.slice(0, -'.service'.length) : undefined;
}

/** Directories of the socket's file-system paths (abstract sockets and ports have none). */
function socketDirs(ev: SystemdEvidence): string[] {
  const sock = ev.directives['Socket'] ?? {};
  const paths = LISTEN_KEYS.flatMap((k) => sock[k]?.values ?? []).filter((p) => p.startsWith('/'));
  return [...new Set(paths.map((p) => dirname(p)))].filter((d) => d !== '/').sort();
}

/**
 * Why the daemon only works with the listening socket systemd passes (sd_listen_fds(3)), if it does:
 * systemd's own socket-activated daemons (systemd-initctl reads the FIFO systemd opens for it) and daemons
 * told so by an option (uuidd --socket-activation). Started at boot, they would only fail and be restarted.
 */
function needsPassedSocket(s: Service): string | undefined {
  const argv = s.wrapper?.kind === 'longrun' ? s.wrapper.run : s.run.daemon?.argv;
  if (!argv?.[0]) return undefined;
  if (/^\/(usr\/)?lib\/systemd\//.test(argv[0])) return `${argv[0]} is one of systemd's own daemons`;
  const opt = argv.slice(1).find((w) => w === '--socket-activation');
  return opt ? `it runs ${argv[0]} ${opt}` : undefined;
}

export function replaceSocketActivation(services: readonly Service[], diagnostics: Diagnostic[]): Service[] {
  const sockets = new Map<string, { ev: SystemdEvidence; startIn: string[] }>();
  for (const s of services) {
    const ev = systemdEvidence(s);
    if (ev?.unitType !== 'socket') continue;
    const target = activatedService(ev);
    if (target !== undefined && !sockets.has(target)) sockets.set(target, { ev, startIn: s.startIn });
  }
  return services.map((s) => {
    if (s.format !== 'systemd' || systemdEvidence(s)?.unitType !== 'service') return s;
    const sock = sockets.get(s.name);
    let out = s;
    const w = s.wrapper;
    if (w?.kind === 'longrun') {
      const only = dropSystemdOnly(w.run);
      const dirs = [...new Set([...(sock ? socketDirs(sock.ev) : []), ...(only.dirs ?? [])])].sort();
      const have = new Set((s.run.directories ?? []).map((d) => d.path));
      const extra = dirs.filter((d) => !have.has(d)).map((path) => ({ path, mode: '0755', origin: { file: sock?.ev.file ?? sourceFile(s) } }));
      if (only.dropped.length > 0 || extra.length > 0) {
        out = { ...out, wrapper: { ...w, run: only.argv }, run: { ...out.run, directories: [...extra, ...(out.run.directories ?? [])] } };
        if (only.dropped.length > 0) {
          diagnostics.push(diag('note', 'systemd-only-option-dropped', sourceFile(s), undefined,
            `${s.name}: ${only.dropped.join(' ')} dropped from the run script: it only works under systemd (${only.why})`, s.name));
        }
      }
    }
    const needs = sock && sock.startIn.length > 0 && s.startIn.length === 0 ? needsPassedSocket(out) : undefined;
    if (needs) {
      diagnostics.push(diag('warning', 'socket-activation-not-replaced', sock!.ev.file, undefined,
        `${s.name}: activated by ${sock!.ev.unit}, which is not converted, and ${needs}: it cannot run without the socket systemd passes, so it is in no start bundle`, s.name));
    } else if (sock && sock.startIn.length > 0 && s.startIn.length === 0) {
      diagnostics.push(diag('warning', 'socket-activation-replaced', sock.ev.file, undefined,
        `${s.name}: activated by ${sock.ev.unit} (started in ${sock.startIn.join(', ')}), which is not converted: s6-rc starts ${s.name} at boot in the same bundle instead of at the first connection`, s.name));
      out = { ...out, startIn: [...sock.startIn], enabled: { value: true, why: `socket-activated by ${sock.ev.unit}, which is enabled: started at boot instead` } };
    }
    return out;
  });
}
