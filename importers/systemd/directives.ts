/**
 * Every unit directive the importer knows, and what becomes of it in s6-rc terms.
 * Sources: systemd.unit(5), systemd.service(5), systemd.exec(5), systemd.kill(5),
 * systemd.resource-control(5) (systemd 252/254, Debian bookworm/trixie); s6 and s6-rc documentation.
 * - `mapped`: carried into the model (run facts, dependencies, wrapper);
 * - `approximated`: carried, but s6 behaves differently (a finding says how);
 * - `not-carried`: no s6 equivalent; the finding names it so nothing is silently dropped;
 * - `ignored`: nothing to carry and nothing lost (documentation, systemd-internal bookkeeping).
 */
import { LIMITS } from './values.js';

export type DirectiveStatus = 'mapped' | 'approximated' | 'not-carried' | 'ignored';

export interface DirectiveInfo {
  status: DirectiveStatus;
  /** Why, for the finding. */
  note: string;
}

type Table = Record<string, Record<string, DirectiveInfo>>;
const TABLE: Table = {};

function add(section: string, status: DirectiveStatus, note: string, keys: readonly string[]): void {
  const sec = (TABLE[section] ??= {});
  for (const k of keys) sec[k] = { status, note };
}

// ---- [Unit] (systemd.unit(5)) ----
add('Unit', 'mapped', 'carried as description or dependency', ['Description', 'Requires', 'Wants', 'BindsTo', 'After', 'Before']);
add('Unit', 'mapped', 'recorded as a conflict; s6-rc has no conflicts, so it is reported', ['Conflicts']);
add('Unit', 'approximated', 'becomes a hard dependency: s6-rc starts the unit instead of only checking it is up', ['Requisite']);
add('Unit', 'approximated', 'stop propagation is not carried: s6-rc stops a service only when its dependencies go down', ['PartOf', 'PropagatesStopTo', 'StopPropagatedFrom']);
add('Unit', 'ignored', 'documentation only', ['Documentation']);
add('Unit', 'ignored', 'bookkeeping of the sysv generator', ['SourcePath']);
add('Unit', 'ignored', 's6-rc adds no implicit dependencies, so there is nothing to turn off', ['DefaultDependencies']);
add('Unit', 'not-carried', 'no s6-rc equivalent', [
  'Upholds', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'JoinsNamespaceOf', 'RequiresMountsFor', 'WantsMountsFor',
  'OnFailure', 'OnSuccess', 'OnFailureJobMode', 'OnFailureIsolate', 'IgnoreOnIsolate', 'StopWhenUnneeded', 'RefuseManualStart',
  'RefuseManualStop', 'AllowIsolate', 'CollectMode', 'FailureAction', 'SuccessAction', 'FailureActionExitStatus',
  'SuccessActionExitStatus', 'JobTimeoutSec', 'JobRunningTimeoutSec', 'JobTimeoutAction', 'JobTimeoutRebootArgument',
  'StartLimitIntervalSec', 'StartLimitInterval', 'StartLimitBurst', 'StartLimitAction', 'RebootArgument', 'SurviveFinalKillSignal',
]);
// Conditions and assertions: systemd skips (or fails) the unit when one does not hold; s6-rc starts it anyway.
const CONDITIONS = [
  'PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite',
  'PathIsEncrypted', 'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'Architecture', 'Firmware', 'Virtualization',
  'Host', 'KernelCommandLine', 'KernelVersion', 'Credential', 'Environment', 'Security', 'Capability', 'ACPower',
  'NeedsUpdate', 'FirstBoot', 'User', 'Group', 'ControlGroupController', 'Memory', 'CPUs', 'CPUFeature', 'OSRelease',
  'MemoryPressure', 'CPUPressure', 'IOPressure',
];
add('Unit', 'not-carried', 'the condition is not checked: s6-rc starts the service unconditionally (test it in the run script if it matters)',
  CONDITIONS.flatMap((c) => [`Condition${c}`, `Assert${c}`]));

// ---- [Install] (systemd.unit(5)) ----
add('Install', 'mapped', 'the service is started in that target\'s bundle', ['WantedBy', 'RequiredBy']);
add('Install', 'approximated', 'treated like WantedBy: s6-rc does not restart a service because a target is up', ['UpheldBy']);
add('Install', 'mapped', 'carried as a provided name', ['Alias']);
add('Install', 'mapped', 'names the instance of a template that is enabled', ['DefaultInstance']);
add('Install', 'not-carried', 'units enabled together are imported on their own', ['Also']);

// ---- [Service] (systemd.service(5)) ----
add('Service', 'mapped', 'carried into the wrapper and run facts', [
  'Type', 'ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecStop', 'ExecStopPost', 'PIDFile', 'RemainAfterExit',
  'TimeoutStartSec', 'TimeoutStopSec', 'TimeoutSec', 'KillSignal',
]);
add('Service', 'approximated', 's6-supervise restarts a longrun whenever it dies (unless told otherwise); oneshots are never restarted', ['Restart']);
add('Service', 'approximated', 's6-supervise waits one second between restarts', ['RestartSec', 'RestartSteps', 'RestartMaxDelaySec', 'RestartMode']);
add('Service', 'approximated', 'exit statuses are not interpreted: s6 treats every exit of a longrun alike', ['SuccessExitStatus', 'RestartPreventExitStatus', 'RestartForceExitStatus']);
add('Service', 'approximated', 'readiness notification is not carried by the first conversion (the upgrade may add notification-fd)', ['NotifyAccess', 'BusName', 'WatchdogSec', 'GuessMainPID', 'ExitType']);
add('Service', 'approximated', 's6 sends the stop signal to the service and then SIGKILL after timeout-kill', ['KillMode', 'SendSIGKILL', 'SendSIGHUP', 'FinalKillSignal', 'RestartKillSignal', 'TimeoutAbortSec', 'TimeoutStartFailureMode', 'TimeoutStopFailureMode']);
add('Service', 'not-carried', 's6-rc has no reload action (send the signal by hand: s6-svc -h)', ['ExecReload', 'ReloadSignal']);
add('Service', 'not-carried', 'no s6-rc equivalent', [
  'ExecCondition', 'RuntimeMaxSec', 'RuntimeRandomizedExtraSec', 'FileDescriptorStoreMax', 'FileDescriptorStorePreserve',
  'Sockets', 'USBFunctionDescriptors', 'USBFunctionStrings', 'OOMPolicy', 'OpenFile', 'PermissionsStartOnly',
  'RootDirectoryStartOnly', 'NonBlocking', 'SysVStartPriority', 'FailureAction', 'SuccessAction', 'StartLimitInterval',
  'StartLimitBurst', 'StartLimitAction', 'RebootArgument', 'StartLimitIntervalSec',
]);

// ---- execution environment (systemd.exec(5)), valid in [Service] and the other process units ----
const EXEC_MAPPED = ['User', 'Group', 'WorkingDirectory', 'Environment', 'EnvironmentFile', 'UMask',
  // Made by the run script (mkdir -p -m MODE, chown to User=) before privileges are dropped: directories.ts.
  'RuntimeDirectory', 'RuntimeDirectoryMode', 'StateDirectory', 'StateDirectoryMode', 'CacheDirectory',
  'CacheDirectoryMode', 'LogsDirectory', 'LogsDirectoryMode', 'ConfigurationDirectory', 'ConfigurationDirectoryMode'];
const EXEC_APPROX: [string, string[]][] = [
  ['s6 sends output to the service\'s logger or the catch-all logger; `null` is carried (redirected to /dev/null), other destinations are not',
    ['StandardOutput', 'StandardError', 'StandardInput', 'StandardInputText', 'StandardInputData']],
  ['the logger has no syslog identity, facility or level', ['SyslogIdentifier', 'SyslogFacility', 'SyslogLevel', 'SyslogLevelPrefix', 'LogLevelMax', 'LogExtraFields', 'LogRateLimitIntervalSec', 'LogRateLimitBurst', 'LogFilterPatterns', 'LogNamespace']],
  ['s6-setuidgid sets the user\'s groups from /etc/group, not the listed ones', ['SupplementaryGroups']],
  // run-facts.ts: no transient account in s6; User= (systemd uses a static account of that name) or nobody.
  ['runs as User= or, without it, as nobody: s6 makes no transient account', ['DynamicUser']],
  // systemd.exec(5): RuntimeDirectory= is removed at stop unless RuntimeDirectoryPreserve=yes|restart.
  ['the directory is made (mkdir -p) at each start and never removed at stop by s6, as if RuntimeDirectoryPreserve=yes', ['RuntimeDirectoryPreserve']],
];
const EXEC_NOT_CARRIED: [string, string[]][] = [
  ['recorded as the chroot, but the generated run script does not enter it (a warning says so)', ['RootDirectory']],
  ['sandboxing: s6 runs the service without namespaces or seccomp filters', [
    'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'PrivateNetwork', 'PrivateUsers', 'PrivateMounts',
    'PrivateIPC', 'PrivatePIDs', 'ProtectHostname', 'ProtectClock', 'ProtectKernelTunables', 'ProtectKernelModules',
    'ProtectKernelLogs', 'ProtectControlGroups', 'ProtectProc', 'ProcSubset', 'RestrictRealtime', 'RestrictSUIDSGID',
    'RestrictNamespaces', 'RestrictAddressFamilies', 'RestrictFileSystems', 'LockPersonality', 'MemoryDenyWriteExecute',
    'NoNewPrivileges', 'SystemCallFilter', 'SystemCallArchitectures', 'SystemCallErrorNumber', 'SystemCallLog',
    'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths', 'NoExecPaths', 'ReadWriteDirectories',
    'ReadOnlyDirectories', 'InaccessibleDirectories', 'TemporaryFileSystem', 'BindPaths', 'BindReadOnlyPaths',
    'MountFlags', 'MountAPIVFS', 'RootImage', 'RootImageOptions', 'RootHash', 'RootVerity', 'ExtensionImages',
    'ExtensionDirectories', 'NetworkNamespacePath', 'IPCNamespacePath', 'PrivateIPC', 'KeyringMode', 'RemoveIPC',
    'SELinuxContext', 'SELinuxContextFromNet', 'AppArmorProfile', 'SmackProcessLabel',
    'ProtectSystemd', 'MemoryKSM',
  ]],
  ['capabilities: s6 keeps root\'s capabilities or drops all with s6-setuidgid', ['CapabilityBoundingSet', 'AmbientCapabilities', 'SecureBits']],
  ['resource control needs cgroups, which s6 does not manage', [
    'Slice', 'Delegate', 'CPUQuota', 'CPUQuotaPeriodSec', 'CPUWeight', 'StartupCPUWeight', 'CPUShares', 'StartupCPUShares',
    'MemoryMax', 'MemoryHigh', 'MemoryLimit', 'MemoryLow', 'MemoryMin', 'MemorySwapMax', 'MemoryZSwapMax', 'TasksMax',
    'IOWeight', 'StartupIOWeight', 'IODeviceWeight', 'IOReadBandwidthMax', 'IOWriteBandwidthMax', 'IOReadIOPSMax',
    'IOWriteIOPSMax', 'BlockIOWeight', 'BlockIODeviceWeight', 'BlockIOReadBandwidth', 'BlockIOWriteBandwidth',
    'CPUAccounting', 'MemoryAccounting', 'TasksAccounting', 'IOAccounting', 'BlockIOAccounting', 'IPAccounting',
    'IPAddressAllow', 'IPAddressDeny', 'IPIngressFilterPath', 'IPEgressFilterPath', 'DevicePolicy', 'DeviceAllow',
    'ManagedOOMSwap', 'ManagedOOMMemoryPressure', 'ManagedOOMMemoryPressureLimit', 'ManagedOOMPreference',
    'AllowedCPUs', 'AllowedMemoryNodes', 'SocketBindAllow', 'SocketBindDeny', 'RestrictNetworkInterfaces', 'DisableControllers',
  ]],
  ['scheduling: no s6 tool sets it (use nice/chrt/ionice/taskset in the run script)', [
    'Nice', 'CPUSchedulingPolicy', 'CPUSchedulingPriority', 'CPUSchedulingResetOnFork', 'CPUAffinity', 'NUMAPolicy',
    'NUMAMask', 'IOSchedulingClass', 'IOSchedulingPriority', 'OOMScoreAdjust', 'TimerSlackNSec', 'Personality', 'CoredumpFilter',
  ]],
  ['credentials are a systemd service; s6 passes none', ['LoadCredential', 'LoadCredentialEncrypted', 'SetCredential', 'SetCredentialEncrypted', 'ImportCredential']],
  ['environment filtering: the s6 run script starts from s6-supervise\'s environment', ['PassEnvironment', 'UnsetEnvironment']],
  ['no session, tty or utmp handling in s6', ['PAMName', 'TTYPath', 'TTYReset', 'TTYVHangup', 'TTYVTDisallocate', 'TTYRows', 'TTYColumns', 'UtmpIdentifier', 'UtmpMode', 'IgnoreSIGPIPE']],
];
for (const sec of ['Service', 'Socket', 'Mount', 'Swap']) {
  add(sec, 'mapped', 'carried into run facts', EXEC_MAPPED);
  for (const [note, keys] of EXEC_APPROX) add(sec, 'approximated', note, keys);
  for (const [note, keys] of EXEC_NOT_CARRIED) add(sec, 'not-carried', note, keys);
  for (const [k, spec] of Object.entries(LIMITS)) {
    if (spec.letter) add(sec, 'mapped', `s6-softlimit -${spec.letter}`, [k]);
    else add(sec, 'not-carried', 's6-softlimit has no flag for this limit', [k]);
  }
}

/**
 * Sections of units the importer reports as a whole (what s6 offers instead is one finding), so their
 * keys are not checked one by one. Resource-control-only unit types are listed too.
 */
export const WHOLE_UNIT_SECTIONS = new Set(['Socket', 'Timer', 'Path', 'Mount', 'Automount', 'Swap', 'Slice', 'Scope']);

export const KNOWN_SECTIONS = new Set(['Unit', 'Service', 'Install', ...WHOLE_UNIT_SECTIONS]);

export function directiveInfo(section: string, key: string): DirectiveInfo | undefined {
  return TABLE[section]?.[key];
}

/** For documentation and tests: every known directive of a section. */
export function knownDirectives(section: string): string[] {
  return Object.keys(TABLE[section] ?? {}).sort();
}
