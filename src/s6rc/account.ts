/**
 * Dropping privileges in a run script, shared by the first conversion and the upgrade.
 */

import type { RunFacts } from '../model/service.js';

/** The account the run facts name (`User=`, `--chuid`, ...), as `accountChain` and directory owners take it. */
export function runAccount(run: RunFacts): { user?: string; group?: string } {
  return run.user ? { user: run.user.name, ...(run.group ? { group: run.group.name } : {}) } : {};
}

/** A plain decimal id (s6-applyuidgid takes these as they are). */
const DECIMAL = /^[0-9]+$/;

export type AccountChain = { ok: true; chain: string[]; carried?: string } | { ok: false; code: string; reason: string };

/**
 * The words that drop privileges just before the daemon. s6-setuidgid and s6-envuidgid look an account up
 * by name (a bare `1000` is "unknown user"), so numeric ids go to s6-applyuidgid, which takes them as
 * they are. A numeric uid without a numeric gid has no honest translation: it is refused.
 */
export function accountChain(account: { user?: string; group?: string }): AccountChain {
  const { user, group } = account;
  if (!user || user === 'root' || (user === '0' && !group)) return { ok: true, chain: [] };
  if (DECIMAL.test(user)) {
    if (group !== undefined && DECIMAL.test(group)) {
      return { ok: true, chain: ['s6-applyuidgid', '-u', user, '-g', group, '-G', ''], carried: `numeric uid ${user} and gid ${group}: s6-applyuidgid -u ${user} -g ${group} (no lookup, no supplementary groups)` };
    }
    return {
      ok: false, code: 'numeric-user',
      reason: `the source runs it as numeric user ${user}${group ? ` with group ${group}` : ' and names no numeric group'}: s6-setuidgid looks ${user} up as a name and would fail at start; give --user NAME (an account name) or --user UID:GID (both numeric)`,
    };
  }
  if (group !== undefined && DECIMAL.test(group)) {
    // s6-envuidgid -g looks groups up by name too; s6-applyuidgid -g overrides the GID it exported.
    // -z: unexport UID, GID and GIDLIST as s6-setuidgid does; the daemon never had them (docs/fidelity.md).
    return { ok: true, chain: ['s6-envuidgid', user, 's6-applyuidgid', '-z', '-U', '-g', group] };
  }
  // s6-setuidgid takes a name or numeric uid:gid, not user:group names: set the group explicitly.
  if (group !== undefined) return { ok: true, chain: ['s6-envuidgid', user, 's6-envuidgid', '-g', group, 's6-applyuidgid', '-z', '-U'] };
  return { ok: true, chain: ['s6-setuidgid', user] };
}

