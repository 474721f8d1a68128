/**
 * What an OpenRC setting means for the conversion when s6-rc has no direct equivalent. One entry per
 * variable or function, each with where OpenRC documents it; the importer reports an entry when the
 * script sets the variable or defines the function.
 */

/** Variables with behaviour the first conversion does not reproduce (openrc-run(8) unless noted). */
export const VARIABLE_FINDINGS: Record<string, { code: string; message: (value: string) => string }> = {
  // supervise-daemon(8): restart policy of OpenRC's own supervisor.
  respawn_delay: { code: 'openrc-respawn', message: (v) => `respawn_delay=${v}: supervise-daemon's restart delay; s6-supervise waits 1 s between restarts` },
  respawn_max: { code: 'openrc-respawn', message: (v) => `respawn_max=${v}: supervise-daemon gives up after this many restarts; s6-supervise always restarts` },
  respawn_period: { code: 'openrc-respawn', message: (v) => `respawn_period=${v}: window for respawn_max; no s6 equivalent` },
  // openrc-run(8): start-stop-daemon/supervise-daemon redirect the daemon's output to these files.
  output_log: { code: 'openrc-output-log', message: (v) => `output_log=${v}: stdout goes to a file; the upgrade stage can add an s6-log pipeline instead` },
  error_log: { code: 'openrc-output-log', message: (v) => `error_log=${v}: stderr goes to a file; the upgrade stage can add an s6-log pipeline instead` },
  output_logger: { code: 'openrc-output-log', message: (v) => `output_logger=${v}: stdout is piped to a logger; an s6-log pipeline replaces it on upgrade` },
  error_logger: { code: 'openrc-output-log', message: (v) => `error_logger=${v}: stderr is piped to a logger; an s6-log pipeline replaces it on upgrade` },
  // openrc-run(8) "capabilities": Linux capabilities for the daemon; s6 has no capability step.
  capabilities: { code: 'openrc-capabilities', message: (v) => `capabilities=${v}: no s6 equivalent; add setpriv/capsh to the run script by hand` },
  // openrc-run(8): the script refuses to start when these are missing.
  required_files: { code: 'openrc-required-paths', message: (v) => `required_files=${v}: OpenRC refuses to start without them; the wrapper keeps that check, a longrun would not` },
  required_dirs: { code: 'openrc-required-paths', message: (v) => `required_dirs=${v}: OpenRC refuses to start without them; the wrapper keeps that check, a longrun would not` },
  // openrc-run(8): extra actions (`rc-service NAME ACTION`); s6-rc only has up and down.
  extra_commands: { code: 'openrc-extra-commands', message: (v) => `extra_commands=${v}: custom actions stay available through the script, not through s6-rc` },
  extra_started_commands: { code: 'openrc-extra-commands', message: (v) => `extra_started_commands=${v}: custom actions stay available through the script, not through s6-rc` },
  extra_stopped_commands: { code: 'openrc-extra-commands', message: (v) => `extra_stopped_commands=${v}: custom actions stay available through the script, not through s6-rc` },
  // supervise-daemon(8): periodic health checks.
  healthcheck_timer: { code: 'openrc-healthcheck', message: (v) => `healthcheck_timer=${v}: supervise-daemon health checks have no s6 equivalent` },
  // start-stop-daemon.sh / supervise-daemon.sh pass these to the daemon launcher; s6 has no such step.
  // Any non-empty value enables no_new_privs (`${no_new_privs:+--no-new-privs}`), even "no".
  no_new_privs: { code: 'openrc-no-new-privs', message: (v) => `no_new_privs=${v}: OpenRC starts the daemon unable to gain privileges (setuid bits, file capabilities); a longrun would not: add \`setpriv --no-new-privs\` to its run script by hand` },
  secbits: { code: 'openrc-secbits', message: (v) => `secbits=${v}: OpenRC sets these securebits for the daemon; not carried over` },
  // start-stop-daemon.sh: with start_inactive=yes the service is marked inactive while it starts.
  start_inactive: { code: 'openrc-start-inactive', message: (v) => `start_inactive=${v}: OpenRC marks the service inactive while starting; s6-rc has no inactive state` },
};

/** Variables named by a prefix: rc.conf(5)'s per-service cgroup settings, applied by openrc-run. */
export const VARIABLE_PREFIX_FINDINGS: ReadonlyArray<{ prefix: string; code: string; message: (name: string, value: string) => string }> = [
  { prefix: 'rc_cgroup_', code: 'openrc-cgroup', message: (n, v) => `${n}=${v}: OpenRC puts the service in a cgroup with these settings; s6-rc does not manage cgroups` },
];

/** The finding for a variable the script or its conf.d sets, if its behaviour is not reproduced. */
export function variableFinding(name: string, value: string): { code: string; message: string } | undefined {
  const f = VARIABLE_FINDINGS[name];
  if (f) return { code: f.code, message: f.message(value) };
  const p = VARIABLE_PREFIX_FINDINGS.find((x) => name.startsWith(x.prefix));
  return p && { code: p.code, message: p.message(name, value) };
}

/** Custom functions openrc-run calls around or instead of its defaults (openrc-run(8) "FUNCTIONS"). */
export const FUNCTION_FINDINGS: Record<string, { code: string; message: string }> = {
  start: { code: 'openrc-custom-start', message: 'custom start(): the service stays a wrapper around the script' },
  stop: { code: 'openrc-custom-stop', message: 'custom stop(): the service stays a wrapper around the script' },
  start_pre: { code: 'openrc-hook', message: 'start_pre() runs before the daemon starts; a longrun would skip it' },
  start_post: { code: 'openrc-hook', message: 'start_post() runs after the daemon started; a longrun would skip it' },
  stop_pre: { code: 'openrc-hook', message: 'stop_pre() runs before the daemon stops; a longrun would skip it' },
  stop_post: { code: 'openrc-hook', message: 'stop_post() runs after the daemon stopped; a longrun would skip it' },
  status: { code: 'openrc-custom-status', message: 'custom status(): s6-rc reports state itself' },
  reload: { code: 'openrc-reload', message: 'reload(): available through the script; s6 sends signals with s6-svc instead' },
};

/** Variables whose value configures how the daemon runs: an assignment inside a function changes them at run time. */
export const RUN_VARIABLES = [
  'command', 'command_args', 'command_args_foreground', 'command_args_background', 'command_background',
  'command_user', 'pidfile', 'supervisor', 'directory', 'chroot', 'umask', 'retry', 'stopsig',
  'start_stop_daemon_args', 'supervise_daemon_args', 'output_log', 'error_log', 'notify',
];
