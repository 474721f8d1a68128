/**
 * RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory= ->
 * `RunFacts.directories` (systemd.exec(5) "PATHS"). Each line lists names relative to the directory's
 * base; systemd makes them (and their parents) before starting the service, with the matching `*Mode=`
 * (default 0755), owned by User=/Group=. s6 has no such step, so the run script makes them.
 */
import type { Finding, Origin, RunFacts } from '../../src/model/service.js';
import type { SettingValue } from './unit-file.js';

type Get = (section: string, key: string) => readonly SettingValue[];
type Last = (section: string, key: string) => SettingValue | undefined;
type Warn = (o: Origin, code: string, msg: string) => void;

/**
 * Directive -> base directory for the system manager (systemd.exec(5), table "Automatic directory
 * creation"), and the variable systemd sets to the absolute paths, colon-separated ("Environment
 * variables in spawned processes").
 */
export const DIRECTORY_BASES: readonly (readonly [string, string, string])[] = [
  ['RuntimeDirectory', '/run', 'RUNTIME_DIRECTORY'],
  ['StateDirectory', '/var/lib', 'STATE_DIRECTORY'],
  ['CacheDirectory', '/var/cache', 'CACHE_DIRECTORY'],
  ['LogsDirectory', '/var/log', 'LOGS_DIRECTORY'],
  ['ConfigurationDirectory', '/etc', 'CONFIGURATION_DIRECTORY'],
];

/** systemd.exec(5): "If not specified, defaults to 0755." */
const DEFAULT_MODE = '0755';

/** A relative path without `.`/`..` components (systemd refuses others: path_is_normalized + !absolute). */
function validName(name: string): boolean {
  if (name === '' || name.startsWith('/')) return false;
  return name.split('/').every((c) => c !== '' && c !== '.' && c !== '..');
}

export function applyDirectories(run: RunFacts, get: Get, last: Last, findings: Finding[], warn: Warn): void {
  const out: NonNullable<RunFacts['directories']> = [];
  for (const [key, base, variable] of DIRECTORY_BASES) {
    const before = out.length;
    const modeSetting = last('Service', `${key}Mode`);
    let mode = DEFAULT_MODE;
    if (modeSetting) {
      if (/^[0-7]{1,4}$/.test(modeSetting.value)) mode = modeSetting.value.padStart(4, '0');
      else warn(modeSetting.origin, 'unit-bad-directory-mode', `${key}Mode=${modeSetting.value} is not an octal mode; using ${DEFAULT_MODE}`);
    }
    let lines = get('Service', key);
    // An empty assignment resets the list (systemd.exec(5), like every list setting).
    const reset = lines.map((v) => v.value.trim()).lastIndexOf('');
    if (reset !== -1) lines = lines.slice(reset + 1);
    for (const v of lines) {
      for (const word of v.value.split(/\s+/).filter((w) => w !== '')) {
        // `NAME:LINK` (systemd 250+) also makes a symlink LINK to NAME: only the directory is carried.
        const [name, link] = word.split(':', 2) as [string, string | undefined];
        if (!validName(name)) {
          warn(v.origin, 'unit-bad-directory', `${key}=${word}: not a relative path without . or .. components; ignored`);
          continue;
        }
        if (link !== undefined) {
          findings.push({ code: 'unit-directory-symlink', origin: v.origin,
            message: `${key}=${word}: the directory ${base}/${name} is made; the symlink ${base}/${link} is not` });
        }
        const path = `${base}/${name}`;
        if (!out.some((d) => d.path === path)) out.push({ path, mode, origin: v.origin });
      }
    }
    // systemd sets the variable for the daemon; Environment= (read before) wins, as in systemd.
    const mine = out.slice(before);
    if (mine.length > 0 && !run.env[variable]) run.env[variable] = { value: mine.map((d) => d.path).join(':'), origin: mine[0]!.origin };
  }
  if (out.length > 0) run.directories = out;
  // systemd removes RuntimeDirectory= at stop unless RuntimeDirectoryPreserve= says otherwise (that
  // setting has its own finding); s6 never removes it.
  const runtime = out.filter((d) => d.path.startsWith('/run/'));
  if (runtime.length > 0 && !last('Service', 'RuntimeDirectoryPreserve')) {
    findings.push({ code: 'unit-runtime-directory-kept', origin: runtime[0]!.origin,
      message: `RuntimeDirectory=: ${runtime.map((d) => d.path).join(', ')} is made at each start and not removed at stop (systemd removes it)` });
  }
}
