/**
 * File names that are leftovers, never services, wherever services are listed (`/etc/init.d`, runlevel
 * directories): systemd-sysv-generator skips them (hidden_or_backup_file(): a leading dot, `~`, and the
 * package managers' and editors' suffixes), and so does Debian's run-parts convention.
 */
const BACKUP_SUFFIXES = ['.rpmnew', '.rpmsave', '.rpmorig', '.swp', '.bak', '.old', '.new', '.orig', '.rej', '.dpkg-old', '.dpkg-dist', '.dpkg-new', '.dpkg-tmp', '.dpkg-bak'];

export function isBackupName(name: string): boolean {
  if (name.startsWith('.') || name.endsWith('~')) return true;
  if (BACKUP_SUFFIXES.some((s) => name.endsWith(s))) return true;
  // `.ucf-old`, `.ucf-dist`, `.ucf-new` (ucf), and any other `.dpkg-*` dpkg may leave.
  return /\.(ucf|dpkg)-[A-Za-z0-9]+$/.test(name);
}
