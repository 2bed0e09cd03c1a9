import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Finds an executable in the usual Debian locations, then on PATH. Test helpers fail fast with
 * the install command, because "spawn ENOENT" says nothing about which package is missing.
 */
export function findBinary(name: string, installHint: string): string {
  const dirs = ['/usr/sbin', '/usr/bin', ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here, try the next directory
    }
  }
  throw new Error(`${name} not found (looked in ${[...new Set(dirs)].join(', ')}). Install it with: ${installHint}`);
}
