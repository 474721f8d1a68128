/**
 * The intermediate model (IR): one typed description of a service that every importer fills and every
 * pass and writer reads. Importers know their source format and nothing about s6-rc; the writer knows
 * s6-rc and nothing about source formats. Every fact carries where it came from.
 */
import type { Diagnostic } from './diagnostic.js';
import type { InitDetection } from '../host-init.js';

export type SourceFormat = 'sysv' | 'openrc' | 'systemd';

/** Where a fact came from. `file` is the path read on disk; `line` is 1-based. */
export interface Origin {
  file: string;
  line?: number;
}

/**
 * A reference from one service to another name.
 * - `requires`: hard dependency (LSB Required-Start, OpenRC need, systemd Requires/BindsTo).
 * - `wants`: dependency if the target exists on the host (LSB Should-Start, OpenRC use/want, systemd Wants).
 * - `after`: order only, pulls nothing in (OpenRC after, systemd After).
 * - `before`: order only, reversed (LSB X-Start-Before, OpenRC before, systemd Before).
 * - `conflicts`: recorded and reported; s6-rc has no equivalent.
 */
export type DepKind = 'requires' | 'wants' | 'after' | 'before' | 'conflicts';

export interface DepRef {
  kind: DepKind;
  /**
   * The referenced name. When `facility` is true this is a canonical facility name from
   * `src/model/facilities.ts` (e.g. `network`); otherwise a service name or a name some service provides.
   */
  target: string;
  facility: boolean;
  /**
   * `wants` that only orders against a target started anyway, never pulls it in: LSB Should-Start ("if
   * present and enabled") and OpenRC `use` ("if it is in the same runlevel").
   */
  ifStarted?: boolean;
  /**
   * The services this reference means on this host, when the host's init system picks among providers
   * of a virtual name (OpenRC's librc, see src/passes/openrc-providers.ts). Empty: none (dropped).
   */
  providers?: string[];
  /** Phase the dependency applies to: start (default) or only stop (LSB Required-Stop etc.). */
  phase?: 'start' | 'stop';
  origin: Origin;
}

/** A file the service reads its environment from (`/etc/default/x`, `EnvironmentFile=`, conf.d). */
export interface EnvFile {
  /** Path on the converted system. */
  path: string;
  /** `EnvironmentFile=-/x`: a missing file is not an error. */
  optional: boolean;
  /**
   * `shell`: sourced by a script (`/etc/default/x`, OpenRC conf.d), may use `export`, quoting, expansions.
   * `envfile`: systemd `EnvironmentFile=` syntax (KEY=VALUE lines).
   */
  syntax: 'shell' | 'envfile';
  /** `shell` only: the script sources it with `set -a` on, so every variable it sets is exported. */
  exportAll?: boolean;
  origin: Origin;
}

/** Resource limits, in s6-softlimit terms (`-o` open files, `-c` core, ...): flag letter -> value. */
export type Limits = Record<string, string>;

/**
 * How the service runs, gathered from every source. Every field is optional: importers fill what the
 * source says. Argv arrays are exactly the words the program receives (already unquoted).
 */
export interface RunFacts {
  /** The daemon's argv as the source starts it (may fork). */
  daemon?: { argv: string[]; origin: Origin };
  pidfile?: { path: string; origin: Origin };
  user?: { name: string; origin: Origin };
  group?: { name: string; origin: Origin };
  env: Record<string, { value: string; origin: Origin }>;
  envFiles: EnvFile[];
  workdir?: { path: string; origin: Origin };
  chroot?: { path: string; origin: Origin };
  umask?: { value: string; origin: Origin };
  limits?: { value: Limits; origin: Origin };
  /** Signal name without `SIG`, e.g. `TERM`, `INT`. */
  stopSignal?: { name: string; origin: Origin };
  /** Milliseconds. */
  timeoutStart?: { ms: number; origin: Origin };
  timeoutStop?: { ms: number; origin: Origin };
  /**
   * Directories made before the daemon starts (systemd RuntimeDirectory= and friends, systemd.exec(5)):
   * absolute paths, octal mode (default `0755`); owned by the service's user when it has one.
   */
  directories?: { path: string; mode: string; origin: Origin }[];
  /** Output thrown away (systemd StandardOutput=null / StandardError=null; stderr inherits stdout's). */
  discard?: { stdout: boolean; stderr: boolean; origin: Origin };
}

/** The account a systemd DynamicUser= service without User= runs as: unprivileged, owns nothing. */
export const DYNAMIC_USER_ACCOUNT = 'nobody';

/** A sysvinit `/etc/init.d` script, read statically. */
export interface SysvEvidence {
  format: 'sysv';
  /** Path read on disk. */
  file: string;
  /** Path on the converted system, e.g. `/etc/init.d/ssh`. */
  systemPath: string;
  hasLsbHeader: boolean;
  interactive: boolean;
  /** Every `start-stop-daemon --start` call found, in file order. */
  ssdStarts: SsdCall[];
  /** `/etc/default/NAME` applied, if any (path on disk). */
  defaultsFile?: string;
  /** Runlevels from `/etc/rc?.d` S links, when present (override Default-Start). */
  rcLinks?: { start: string[]; stop: string[] };
  /** The highest `Snn` of its S links: the order sysv-rc (and systemd-sysv-generator) start it in. */
  startPriority?: number;
  /** Commands the script runs at start besides the daemon (directories, keys, a config test). */
  startWork?: StartWork[];
}

/** One command of an init script's start-time work (importers/sysv/start-work.ts). */
export interface StartWork {
  /** As written in the script. */
  text: string;
  /** Its argv, when every word is known from the script itself. */
  argv?: string[];
  /**
   * Otherwise, when its words only read the script's own known values (`presets`) and variables the
   * script never assigns (the defaults file's, exported by the run script's shell, or unset): the words
   * as written, for /bin/sh to expand at each start.
   */
  live?: { words: string[]; presets: [string, string][] };
  origin: Origin;
}

export interface SsdCall {
  origin: Origin;
  exec?: string;
  startas?: string;
  pidfile?: string;
  chuid?: string;
  group?: string;
  background: boolean;
  makePidfile: boolean;
  chdir?: string;
  umask?: string;
  /** Words after `--`, unquoted; `undefined` entries could not be resolved statically. */
  args: string[];
  /** True when some word used a variable the importer could not resolve. */
  unresolved: boolean;
  /** Added by the sysv importer: `--name` (process name to match). */
  procName?: string;
  /** `--user` (match processes of this user; not a uid change). */
  matchUser?: string;
  /** `--nicelevel`. */
  nicelevel?: string;
  /** `--chroot`. */
  chroot?: string;
  /** `--notify-await`: the daemon reports readiness with sd_notify. */
  notifyAwait?: boolean;
  /** Where the script sends the daemon's output (`--output FILE`, `>>$LOGFILE`), as written. */
  outputTo?: string;
  /** Which helper made the call: `start-stop-daemon` itself or lsb init-functions' `start_daemon`. */
  via?: 'start-stop-daemon' | 'start_daemon';
  /** Present when program arguments read variables that `/etc/default/NAME` sets (see `LiveArgs`). */
  liveArgs?: LiveArgs;
}

/**
 * Program arguments an admin edits in `/etc/default/NAME` (`DAEMON_ARGS`, `*_OPTS`): the script expands
 * them each time it starts the daemon. Kept as the script spells them, so an upgraded longrun expands
 * them at each start too instead of freezing today's values.
 */
export interface LiveArgs {
  /** The defaults file, as a path on the converted system. */
  file: string;
  /** Each shell word after `--`, in order: its text in the script, how many of `args` it gave at
   * conversion time, and whether it reads a variable the file sets. */
  words: { raw: string; fields: number; live: boolean }[];
  /** What the words and the file read, with the script's value before the file is sourced (null: unset), by name. */
  presets: [string, string | null][];
}

/** An OpenRC `openrc-run` script, read statically (with conf.d applied). */
export interface OpenrcEvidence {
  format: 'openrc';
  file: string;
  systemPath: string;
  /**
   * Resolved variable values after conf.d was applied (command, command_args, supervisor, ...).
   * `unresolved`: set under a run-time condition or from a value only the running shell knows.
   */
  vars: Record<string, { value: string; origin: Origin; unresolved?: boolean }>;
  /** Custom functions defined by the script (`start`, `stop`, `start_pre`, ...). */
  functions: string[];
  keywords: string[];
  confFile?: string;
}

/** A systemd unit after drop-ins, templates and specifiers are applied. */
export interface SystemdEvidence {
  format: 'systemd';
  file: string;
  systemPath: string;
  /** Unit name, e.g. `foo@bar.service`. */
  unit: string;
  unitType: 'service' | 'socket' | 'timer' | 'path' | 'mount' | 'target' | 'other';
  dropIns: string[];
  /** `Type=` of a service, default `simple`. */
  serviceType?: 'simple' | 'exec' | 'forking' | 'oneshot' | 'dbus' | 'notify' | 'notify-reload' | 'idle';
  execStart: ExecLine[];
  execStartPre: ExecLine[];
  execStartPost: ExecLine[];
  execStop: ExecLine[];
  execStopPost: ExecLine[];
  execReload: ExecLine[];
  remainAfterExit: boolean;
  restart?: string;
  /** Every directive after parsing: section -> key -> values (repeats kept, resets applied). */
  directives: Record<string, Record<string, { values: string[]; origin: Origin }>>;
}

export interface ExecLine {
  argv: string[];
  /** ExecStart prefixes: `-` ignore failure, `@` argv0, `+` `!` `!!` privileges, `:` no env expansion. */
  prefixes: string[];
  /** With the `@` prefix: the argv[0] systemd passes instead of the executable path (`argv[0]` stays the path). */
  argv0?: string;
  /** Its `$VAR`s were replaced at conversion time (every one set by Environment=, no EnvironmentFile=). */
  expanded?: boolean;
  origin: Origin;
}

export type Evidence = (SysvEvidence | OpenrcEvidence | SystemdEvidence) & {
  /**
   * Set by the merge pass on a source that lost to another format: what this source said on its own
   * (its name, dependencies, bundles, run facts, wrapper), kept for the upgrade stage.
   */
  lost?: SourceFacts;
};

/**
 * Set on a oneshot whose `up`/`down` are a unit's own Exec lines: systemd runs each with the unit's
 * user, environment, working directory, umask and limits (systemd.exec(5)), so the oneshot must too.
 * One entry per command, in order.
 */
export interface UnitCommandModes {
  up: CommandMode[];
  down: CommandMode[];
}

export interface CommandMode {
  /** `+`, `!`, `!!` prefix, or a command systemd runs itself (a kill): no privilege drop. */
  privileged?: boolean;
  /** `$VAR`/`${VAR}`/`$$` are expanded from the environment at run time, as systemd does. */
  expandVariables?: boolean;
}

/** What one source said about a service before merging (see `Evidence.lost`). */
export interface SourceFacts {
  name: string;
  description?: string;
  provides: string[];
  deps: DepRef[];
  startIn: string[];
  wrapper?: Service['wrapper'];
  run: RunFacts;
}

/** Something the importer or a pass noticed and the user should know (no s6 equivalent, guessed, ...). */
export interface Finding {
  code: string;
  message: string;
  origin: Origin;
}

export interface Service {
  /** The name the host knows the service by (script or unit base name, without `.service`). */
  name: string;
  /** The source that won when several describe the service (see `sources`). */
  format: SourceFormat;
  /** Why that source won, when more than one described the service. */
  chosenBecause?: string;
  description?: string;
  /** Other names this service answers to (LSB Provides, OpenRC provide, systemd Alias=). */
  provides: string[];
  deps: DepRef[];
  /**
   * Bundles the service is started in, canonical names from `src/model/naming.ts`
   * (`runlevel-2`, `runlevel-default`, `multi-user`, ...).
   */
  startIn: string[];
  /**
   * What the first conversion runs: argv for `up` and `down`. For init scripts this is the script
   * itself (`/etc/init.d/ssh start`); for units it is derived from ExecStart/ExecStop. Absent when the
   * importer could not say how to start it (a diagnostic then says why).
   */
  wrapper?: { kind: 'oneshot'; up: string[][]; down: string[][]; unitCommands?: UnitCommandModes } | { kind: 'longrun'; run: string[]; expandVariables?: boolean; privileged?: boolean };
  run: RunFacts;
  /** Every source file that described this service, winner first. */
  sources: Evidence[];
  findings: Finding[];
  /**
   * Whether the host's own init system starts it, and why (its rc?.d links, runlevels, `.wants/` links),
   * as the importer and the init-system pass read it. Absent: not decided (no start bundle either).
   */
  enabled?: { value: boolean; why: string };
  /**
   * Filled by the passes: the s6-rc names this service depends on (services or bundles listed in
   * `HostFacts.bundles`), sorted, cycle-free. Absent before the passes ran.
   */
  s6Dependencies?: string[];
}

/** A bundle the passes created (facility, provided name, runlevel/target, `default`, placeholder). */
export interface S6Bundle {
  name: string;
  /** Member names (services or other bundles), sorted. */
  contents: string[];
  /** Why it exists, for people reading `model.json` (e.g. `facility network`, `runlevel 2`). */
  reason: string;
}

/** Host-wide facts that are not about one service. */
export interface HostFacts {
  /** The init system the host runs (set by the pipeline): its definitions and enablement are the truth. */
  init?: InitDetection;
  /** Bundles making up `default` (e.g. [`runlevel-2`] on Debian, or the default.target's bundle). */
  defaultBundles?: { bundles: string[]; origin: Origin };
  /** OpenRC's /etc/runlevels: runlevel -> services listed in it (stacked runlevels folded in). */
  openrcRunlevels?: Record<string, string[]>;
  /** Canonical facility -> extra member names (from /etc/insserv.conf, `+name` = optional). */
  facilityMembers: Record<string, { name: string; optional: boolean; origin: Origin }[]>;
  /** Filled by the passes: every bundle to emit, sorted by name. */
  bundles?: S6Bundle[];
  /**
   * The `--root` the host was read from, as the user spelled it (absent for `/`). Every `file` in the
   * model is a path on disk under it; the commands that work on the converted system strip it.
   */
  root?: string;
}

export interface ImportResult {
  services: Service[];
  host: HostFacts;
  diagnostics: Diagnostic[];
}

export function emptyRunFacts(): RunFacts {
  return { env: {}, envFiles: [] };
}

export function emptyHostFacts(): HostFacts {
  return { facilityMembers: {} };
}

/** What discovery hands an importer: the files to read (paths on disk) and the host root. */
export interface ImportInput {
  /** Host root on disk (`--root`, default `/`): companions and host files are looked up under it. */
  root: string;
  /** Files to import, paths on disk as the user named them (relative paths stay relative). */
  files: string[];
}

/**
 * The sources a service's facts come from: the definition the host's init system runs (see the merge
 * pass), never one kept only as evidence (`lost`). Readers of run facts use these, so a conversion never
 * mixes a unit's command with a script's user.
 */
export function definingSources(s: Pick<Service, 'sources'>): Evidence[] {
  return s.sources.filter((ev) => ev.lost === undefined);
}
