/**
 * The systemd side of the harness: systemd cannot run as pid 1 here, so the unit's process state is
 * applied by a shell chain of real tools (setpriv, prlimit, nice, env -i) written from the unit as
 * systemd.exec(5) and systemd.service(5) document it. Independent of the importer on purpose: its own
 * unit reader, EnvironmentFile= reader, specifiers and command-line splitting.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export type Unit = Map<string, Map<string, string[]>>;

/** systemd.syntax(7): sections, `#`/`;` comments, backslash continuation, repeats kept, empty resets. */
export function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      const next = lines[++i]!;
      if (/^\s*[#;]/.test(next)) continue;
      line = `${line.slice(0, -1)} ${next.trim()}`;
    }
    const h = /^\[(.+)\]$/.exec(line);
    if (h) {
      section = h[1]!;
      if (!unit.has(section)) unit.set(section, new Map());
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !unit.has(section)) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const m = unit.get(section)!;
    if (value === '') m.set(key, []);
    else m.set(key, [...(m.get(key) ?? []), value]);
  }
  return unit;
}

/** Words as systemd splits them (systemd.syntax(7) quoting: "...", '...', C escapes in both). */
export function splitQuoted(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", s: ' ' };
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        i++;
        while (i < text.length && text[i] !== c) {
          if (text[i] === '\\' && i + 1 < text.length) word += esc[text[++i]!] ?? text[i]!;
          else word += text[i]!;
          i++;
        }
        i++;
      } else if (c === '\\' && i + 1 < text.length) {
        word += esc[text[++i]!] ?? text[i]!;
        i++;
      } else {
        word += c;
        i++;
      }
    }
    out.push(word);
  }
  return out;
}

/** EnvironmentFile= syntax: KEY=VALUE lines, comments, quotes, backslash continuation. */
export function parseEnvFile(text: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.replace(/\\\n/g, '').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    let value = line.slice(eq + 1).trim();
    if (/^".*"$/s.test(value)) value = value.slice(1, -1).replace(/\\([\\"$`\n])/g, '$1');
    else if (/^'.*'$/s.test(value)) value = value.slice(1, -1);
    out.push([key, value]);
  }
  return out;
}

export interface Accounts {
  users: Map<string, { uid: number; gid: number; home: string; shell: string }>;
  groups: Map<string, { gid: number; members: string[] }>;
}

/** This machine's accounts plus the ones the sandbox appends. */
export function readAccounts(extraPasswd: string[], extraGroup: string[]): Accounts {
  const users: Accounts['users'] = new Map();
  const groups: Accounts['groups'] = new Map();
  for (const l of [...readFileSync('/etc/passwd', 'utf8').split('\n'), ...extraPasswd]) {
    const f = l.split(':');
    if (f.length >= 7) users.set(f[0]!, { uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! });
  }
  for (const l of [...readFileSync('/etc/group', 'utf8').split('\n'), ...extraGroup]) {
    const f = l.split(':');
    if (f.length >= 4) groups.set(f[0]!, { gid: Number(f[2]), members: f[3]!.split(',').filter(Boolean) });
  }
  return { users, groups };
}

const RLIMITS: Record<string, string> = {
  LimitCPU: 'cpu', LimitFSIZE: 'fsize', LimitDATA: 'data', LimitSTACK: 'stack', LimitCORE: 'core', LimitRSS: 'rss',
  LimitNOFILE: 'nofile', LimitAS: 'as', LimitNPROC: 'nproc', LimitMEMLOCK: 'memlock', LimitLOCKS: 'locks',
  LimitSIGPENDING: 'sigpending', LimitMSGQUEUE: 'msgqueue', LimitNICE: 'nice', LimitRTPRIO: 'rtprio', LimitRTTIME: 'rttime',
};

const DIRECTORY_KINDS: [string, string, string][] = [
  ['RuntimeDirectory', '/run', 'RUNTIME_DIRECTORY'], ['StateDirectory', '/var/lib', 'STATE_DIRECTORY'],
  ['CacheDirectory', '/var/cache', 'CACHE_DIRECTORY'], ['LogsDirectory', '/var/log', 'LOGS_DIRECTORY'],
  ['ConfigurationDirectory', '/etc', 'CONFIGURATION_DIRECTORY'],
];

const q = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`;

/** `$VAR` (split on whitespace, a whole word) and `${VAR}` (in place) as systemd.service(5) expands them. */
function expandWords(words: string[], env: Map<string, string>): string[] {
  const out: string[] = [];
  for (const w of words) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (whole) {
      out.push(...(env.get(whole[1]!) ?? '').split(/\s+/).filter(Boolean));
      continue;
    }
    out.push(w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, n: string) => env.get(n) ?? '').replace(/\$\$/g, '$'));
  }
  return out;
}

/**
 * A /bin/sh script that starts the unit's ExecStartPre= and ExecStart= commands the way systemd would,
 * or a reason it cannot. `root` is the package layer (EnvironmentFile= is read from it).
 */
export function unitStartScript(unitName: string, text: string, root: string, accounts: Accounts, socketText?: string): { script: string } | { why: string } {
  const socketPaths = socketText === undefined ? [] : (parseUnit(socketText).get('Socket')?.get('ListenStream') ?? []).filter((p) => p.startsWith('/'));
  const unit = parseUnit(text);
  const svc = unit.get('Service') ?? new Map<string, string[]>();
  const one = (k: string): string | undefined => svc.get(k)?.at(-1);
  const prefix = unitName.replace(/\.service$/, '');
  const at = prefix.indexOf('@');
  const spec: Record<string, string> = {
    n: unitName, N: prefix, p: at >= 0 ? prefix.slice(0, at) : prefix, i: at >= 0 ? prefix.slice(at + 1) : '', I: at >= 0 ? prefix.slice(at + 1) : '',
    H: hostname(), l: hostname().split('.')[0]!, t: '/run', S: '/var/lib', C: '/var/cache', L: '/var/log', E: '/etc', T: '/tmp', V: '/var/tmp', '%': '%',
  };
  const user = one('User');
  const account = user !== undefined ? accounts.users.get(user) : undefined;
  if (user !== undefined && !account) return { why: `User=${user} is not an account of the sandbox` };
  if (one('DynamicUser') && /^(yes|true|1|on)$/i.test(one('DynamicUser')!)) return { why: 'DynamicUser= is not emulated' };
  if (account) Object.assign(spec, { u: user!, U: String(account.uid), h: account.home, s: account.shell });
  else Object.assign(spec, { u: 'root', U: '0', h: '/root', s: '/bin/sh' });
  const specifiers = (s: string): string => s.replace(/%(.)/g, (m, c: string) => spec[c] ?? m);

  const group = one('Group');
  const gid = group !== undefined ? accounts.groups.get(group)?.gid : account?.gid;
  if (group !== undefined && gid === undefined) return { why: `Group=${group} is not a group of the sandbox` };
  // User=: its groups as initgroups() finds them; plus SupplementaryGroups=.
  const supp = new Set<number>();
  if (account && user) {
    supp.add(gid ?? account.gid);
    for (const [, g] of accounts.groups) if (g.members.includes(user)) supp.add(g.gid);
  }
  for (const v of svc.get('SupplementaryGroups') ?? []) {
    for (const name of v.split(/\s+/).filter(Boolean)) {
      const g = accounts.groups.get(specifiers(name));
      if (!g) return { why: `SupplementaryGroups=${name} is not a group of the sandbox` };
      supp.add(g.gid);
    }
  }

  // The environment, in systemd's order: Environment=, then EnvironmentFile= (later wins), then the
  // variables systemd sets itself for User= and the directories.
  const env = new Map<string, string>();
  for (const v of svc.get('Environment') ?? []) {
    for (const w of splitQuoted(specifiers(v))) {
      const eq = w.indexOf('=');
      if (eq > 0) env.set(w.slice(0, eq), w.slice(eq + 1));
    }
  }
  for (const v of svc.get('EnvironmentFile') ?? []) {
    const optional = v.startsWith('-');
    const path = specifiers(optional ? v.slice(1) : v);
    let content: string | undefined;
    for (const p of [join(root, path), path]) {
      try {
        content = readFileSync(p, 'utf8');
        break;
      } catch {
        // next
      }
    }
    if (content === undefined) {
      if (optional) continue;
      return { why: `EnvironmentFile=${path} is missing: systemd would not start it` };
    }
    for (const [k, val] of parseEnvFile(content)) env.set(k, val);
  }
  if (account) {
    env.set('USER', user!);
    env.set('LOGNAME', user!);
    env.set('HOME', account.home);
    env.set('SHELL', account.shell);
  }
  const prep: string[] = [];
  for (const [key, base, variable] of DIRECTORY_KINDS) {
    const dirs = (svc.get(key) ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean).map((d) => `${base}/${specifiers(d)}`);
    if (dirs.length === 0) continue;
    const mode = one(`${key}Mode`) ?? '0755';
    for (const d of dirs) {
      prep.push(`mkdir -p ${q(d)} && chmod ${q(mode)} ${q(d)}`);
      if (account && key !== 'ConfigurationDirectory') prep.push(`chown ${account.uid}:${gid ?? account.gid} ${q(d)}`);
    }
    env.set(variable, dirs.join(':'));
  }

  // A socket unit of the same name (dbus.socket): systemd made the directories of its paths before the
  // service started; the sockets themselves are not emulated.
  for (const sock of socketPaths) prep.push(`mkdir -p ${q(sock.slice(0, sock.lastIndexOf('/')) || '/')}`);
  const cwdRaw = one('WorkingDirectory');
  const cwdOptional = cwdRaw?.startsWith('-') ?? false;
  let cwd = cwdRaw === undefined ? '/' : specifiers(cwdOptional ? cwdRaw.slice(1) : cwdRaw);
  if (cwd === '~') cwd = account?.home ?? '/root';
  const umask = one('UMask') ?? '0022';
  const limits: string[] = [];
  for (const [k, name] of Object.entries(RLIMITS)) {
    const v = one(k);
    if (v === undefined) continue;
    const conv = (x: string): string => (x === 'infinity' ? 'unlimited' : x);
    const [soft, hard] = v.includes(':') ? v.split(':') : [v, v];
    limits.push(`--${name}=${conv(soft!)}:${conv(hard!)}`);
  }
  const nice = one('Nice');

  const commands: { argv: string[]; root: boolean; ignore: boolean }[] = [];
  for (const key of ['ExecStartPre', 'ExecStart']) {
    for (const line of svc.get(key) ?? []) {
      const m = /^([-@:+!]*)(.*)$/.exec(line)!;
      const prefixes = m[1]!;
      const words = splitQuoted(specifiers(m[2]!));
      const argv = prefixes.includes(':') ? words : expandWords(words, env);
      if (prefixes.includes('@')) argv.splice(1, 1);
      commands.push({ argv, root: prefixes.includes('+') || prefixes.includes('!'), ignore: prefixes.includes('-') });
    }
  }
  if (!commands.some((c) => c.argv.length > 0)) return { why: 'no ExecStart=' };

  const envWords = [...env.entries()].map(([k, v]) => q(`${k}=${v}`)).join(' ');
  const lines = ['set -u', ...prep];
  for (const c of commands) {
    const drop = account && !c.root
      ? `setpriv --reuid=${account.uid} --regid=${gid ?? account.gid} ${supp.size > 0 ? `--groups=${[...supp].sort((a, b) => a - b).join(',')}` : '--clear-groups'} --`
      : group !== undefined && !c.root
        ? `setpriv --regid=${gid} --clear-groups --`
        : '';
    const chain = [
      limits.length > 0 ? `prlimit ${limits.join(' ')} --` : '',
      nice !== undefined ? `nice -n ${q(nice)}` : '',
      drop,
      `env -i ${envWords}`,
      c.argv.map(q).join(' '),
    ].filter(Boolean).join(' ');
    const cd = cwdOptional ? `cd ${q(cwd)} 2>/dev/null || cd /` : `cd ${q(cwd)} || exit 200`;
    lines.push(`( ${cd}; umask ${q(umask)}; exec ${chain} )${c.ignore ? ' || true' : ' || exit $?'}`);
  }
  return { script: `${lines.join('\n')}\n` };
}
