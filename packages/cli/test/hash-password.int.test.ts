import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { verifyPassword } from '@render-signal/dashboard';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

function run(stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, 'hash-password'], (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    child.stdin!.end(stdin);
  });
}

describe('render-signal hash-password', () => {
  it('prints a scrypt hash of the first line of stdin that the dashboard accepts', async () => {
    const { code, stdout } = await run('a long enough password\nignored second line\n');
    expect(code).toBe(0);
    const hash = stdout.trim();
    expect(hash).toMatch(/^scrypt:131072:8:1:[\w-]{22}:[\w-]{43}$/);
    expect(await verifyPassword(hash, 'a long enough password')).toBe(true);
    expect(await verifyPassword(hash, 'a long enough passwore')).toBe(false);
  });

  it('refuses a short password with the usage exit code and prints no hash', async () => {
    const { code, stdout, stderr } = await run('short\n');
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/at least 12 characters/);
  });
});
