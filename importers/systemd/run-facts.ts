/**
 * [Service] settings that describe how the process runs (systemd.exec(5), systemd.kill(5),
 * systemd.service(5)) -> `RunFacts`. Malformed values are diagnostics with file and line.
 */
import { diag, type Diagnostic } from '../../src/model/diagnostic.js';
import { DYNAMIC_USER_ACCOUNT, emptyRunFacts, type Finding, type Limits, type Origin, type RunFacts } from '../../src/model/service.js';
import { applyDirectories } from './directories.js';
import type { LoadedUnit } from './load-unit.js';
import type { SettingValue } from './unit-file.js';
import { LIMITS, parseBoolean, parseEnvironment, parseLimit, parseTimeSpan, signalName } from './values.js';

// Listed once: the table is the same for every unit.
const LIMIT_KEYS = Object.keys(LIMITS);

type Get = (section: string, key: string) => readonly SettingValue[];
type Last = (section: string, key: string) => SettingValue | undefined;

export function applyRunSettings(loaded: LoadedUnit, get: Get, last: Last, findings: Finding[], diagnostics: Diagnostic[], unit: string): RunFacts {
  const run = emptyRunFacts();
  const warn = (o: Origin, code: string, msg: string) => diagnostics.push(diag('warning', code, o.file, o.line, msg, unit));

  const pid = last('Service', 'PIDFile');
  if (pid) run.pidfile = { path: pid.value, origin: pid.origin };
  const user = last('Service', 'User');
  if (user) run.user = { name: user.value, origin: user.origin };
  const group = last('Service', 'Group');
  if (group) run.group = { name: group.value, origin: group.origin };
  const dynamic = last('Service', 'DynamicUser');
  if (dynamic && parseBoolean(dynamic.value) === true) {
    // systemd allocates a transient unprivileged account (named after User= or the unit); s6 cannot, and
    // root is never the answer: the unprivileged account every Debian system has, its own group.
    if (!user) run.user = { name: DYNAMIC_USER_ACCOUNT, origin: dynamic.origin };
    findings.push({ code: 'unit-dynamic-user', origin: dynamic.origin,
      message: user
        ? `DynamicUser=yes with User=${user.value}: runs as the account ${user.value}, which must exist (systemd uses a static account of that name when there is one)`
        : `DynamicUser=yes: runs as ${DYNAMIC_USER_ACCOUNT} (systemd would make a transient account); directories it makes are owned by ${DYNAMIC_USER_ACCOUNT}` });
  }
  const root = last('Service', 'RootDirectory');
  if (root) run.chroot = { path: root.value, origin: root.origin };

  // systemd.exec(5): StandardError= defaults to `inherit`, the same destination as StandardOutput=.
  const out = last('Service', 'StandardOutput');
  const err = last('Service', 'StandardError');
  const stdout = out?.value === 'null';
  const stderr = err?.value === 'null' || (stdout && (err === undefined || err.value === 'inherit'));
  if (stdout || stderr) run.discard = { stdout, stderr, origin: (stdout ? out : err)!.origin };

  const umask = last('Service', 'UMask');
  if (umask) {
    if (/^[0-7]{1,4}$/.test(umask.value)) run.umask = { value: umask.value.padStart(4, '0'), origin: umask.origin };
    else warn(umask.origin, 'unit-bad-umask', `UMask=${umask.value} is not an octal mode; ignored`);
  }

  const wd = last('Service', 'WorkingDirectory');
  if (wd) {
    // `-path`: a missing directory is not an error; `~`: the home of User= (systemd.exec(5)).
    let path = wd.value;
    if (path.startsWith('-')) {
      path = path.slice(1);
      findings.push({ code: 'unit-workdir-optional', origin: wd.origin, message: `WorkingDirectory=-${path}: systemd goes on when it is missing; s6's cd fails instead` });
    }
    if (path === '~') {
      if (!run.user || run.user.name === 'root' || run.user.name === '0') path = '/root';
      else {
        findings.push({ code: 'unit-workdir-home', origin: wd.origin, message: `WorkingDirectory=~: the home directory of ${run.user.name} is not known when converting; not carried` });
        path = '';
      }
    }
    if (path !== '') run.workdir = { path, origin: wd.origin };
  }

  for (const v of get('Service', 'Environment')) {
    const p = parseEnvironment(v.value);
    if (p.error) warn(v.origin, 'unit-bad-environment', `Environment=: ${p.error}; line ignored`);
    for (const bad of p.invalid) warn(v.origin, 'unit-bad-environment', `Environment=: ${JSON.stringify(bad)} is not NAME=VALUE; ignored`);
    for (const [k, val] of p.assignments) run.env[k] = { value: val, origin: v.origin };
  }
  for (const v of get('Service', 'EnvironmentFile')) {
    const optional = v.value.startsWith('-');
    const path = optional ? v.value.slice(1) : v.value;
    if (!path.startsWith('/')) {
      warn(v.origin, 'unit-bad-environment-file', `EnvironmentFile=${v.value}: not an absolute path; ignored`);
      continue;
    }
    run.envFiles.push({ path, optional, syntax: 'envfile', origin: v.origin });
  }

  const limits: Limits = {};
  let limitOrigin: Origin | undefined;
  for (let i = 0; i < LIMIT_KEYS.length; i++) {
    const key = LIMIT_KEYS[i]!;
    const v = last('Service', key);
    if (!v) continue;
    const spec = LIMITS[key]!;
    const parsed = parseLimit(v.value, spec.kind);
    if (!parsed) {
      warn(v.origin, 'unit-bad-limit', `${key}=${v.value} is not a valid limit; ignored`);
      continue;
    }
    if (!spec.letter) continue; // reported by the directive table
    limits[spec.letter] = parsed.soft;
    limitOrigin ??= v.origin;
    if (parsed.hard !== undefined && parsed.hard !== parsed.soft) {
      findings.push({ code: 'unit-limit-hard', origin: v.origin, message: `${key}=${v.value}: s6-softlimit sets the soft limit only; the hard limit ${parsed.hard} is not carried` });
    }
  }
  if (limitOrigin) run.limits = { value: limits, origin: limitOrigin };

  // TimeoutSec= sets both; whichever comes last wins (systemd.service(5)). 0 and infinity: no limit.
  // Indexed: every assignment of every unit passes here (see the evidence loop in build-service.ts).
  for (let i = 0; i < loaded.assignments.length; i++) {
    const a = loaded.assignments[i]!;
    if (a.section !== 'Service' || !a.key.startsWith('Timeout') || !/^Timeout(Start|Stop)?Sec$/.test(a.key)) continue;
    if (a.value === '') {
      // An empty assignment restores the default, i.e. the unit says nothing.
      if (a.key !== 'TimeoutStopSec') delete run.timeoutStart;
      if (a.key !== 'TimeoutStartSec') delete run.timeoutStop;
      continue;
    }
    const ms = parseTimeSpan(a.value);
    if (ms === null) {
      warn(a.origin, 'unit-bad-time-span', `${a.key}=${a.value} is not a time span (e.g. "1min 30s", "90", "infinity"); ignored`);
      continue;
    }
    const t = { ms: Number.isFinite(ms) ? ms : 0, origin: a.origin };
    if (a.key !== 'TimeoutStopSec') run.timeoutStart = t;
    if (a.key !== 'TimeoutStartSec') run.timeoutStop = t;
  }

  const sig = last('Service', 'KillSignal');
  if (sig) {
    const n = signalName(sig.value);
    if (n) run.stopSignal = { name: n, origin: sig.origin };
    else warn(sig.origin, 'unit-bad-signal', `KillSignal=${sig.value} is not a signal; ignored`);
  }
  applyDirectories(run, get, last, findings, warn);
  return run;
}
