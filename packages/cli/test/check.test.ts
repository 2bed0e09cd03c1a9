import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { loadExpected, normaliseContent } from '@render-signal/testing';
import { checkEmail, EXIT } from '../src/check.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) => join(root, 'fixtures/emails', `${name}.eml`);
const dir = mkdtempSync(join(tmpdir(), 'rs-check-'));
const profileA = join(dir, 'profile-a.env');
writeFileSync(
  profileA,
  [
    '# Profile A of fixtures/emails/README.md',
    'POLLING_TIMEZONE=Europe/Paris',
    'SENDER_OF_INTEREST_FOR_POLLING=planning@studio-lumiere.example.com,b.vasseur@studio-lumiere.example.com,o.ribaudier@studio-lumiere.example.com,communication@studio-lumiere.example.com',
    'WEBHOOKS_TIME_START=09h00',
    'WEBHOOKS_TIME_END=19h00',
    '',
  ].join('\n'),
);
const NOW = '2026-01-13T10:15:00+01:00';

describe('render-signal check', () => {
  it('prints the payload of the original under profile A, and masks third-party data by default', async () => {
    const unmasked = await checkEmail({ file: fixture('01-recadrage-dropbox-11h51'), now: NOW, configFile: profileA, env: { PAYLOAD_MASK_CONTENT: 'false' } });
    expect(unmasked.exitCode).toBe(EXIT.ok);
    const payload = JSON.parse(unmasked.stdout!) as Record<string, string>;
    const expected = loadExpected('01-recadrage-dropbox-11h51') as Record<string, string>;
    const { email_content, bodyPreview, ...rest } = expected;
    expect(payload).toMatchObject(rest);
    expect(normaliseContent(payload.email_content!)).toBe(normaliseContent(email_content!));

    // Fixture 03 signs with a phone number.
    const masked = await checkEmail({ file: fixture('03-recadrage-urgence'), now: NOW, configFile: profileA, env: {} });
    const plain = await checkEmail({ file: fixture('03-recadrage-urgence'), now: NOW, configFile: profileA, env: { PAYLOAD_MASK_CONTENT: 'false' } });
    expect(JSON.parse(plain.stdout!).email_content).toContain('01 99 00 12 34');
    expect(JSON.parse(masked.stdout!).email_content).not.toContain('01 99 00 12 34');
    expect(JSON.parse(masked.stdout!).microsoft_graph_email_id).toBe(JSON.parse(plain.stdout!).microsoft_graph_email_id);
  });

  it('says why an email would be skipped', async () => {
    const reply = await checkEmail({ file: fixture('14-reply-prefix-skipped'), now: NOW, configFile: profileA, env: {} });
    expect(JSON.parse(reply.stdout!)).toEqual({ skipped: true, reason: 'reply_or_forward' });
    const stranger = await checkEmail({ file: fixture('10-sender-not-allowlisted'), now: NOW, configFile: profileA, env: {} });
    expect(JSON.parse(stranger.stdout!)).toEqual({ skipped: true, reason: 'sender_not_allowlisted' });
    const early = await checkEmail({ file: fixture('01-recadrage-dropbox-11h51'), now: '2026-01-13T10:00:00+01:00', configFile: profileA, env: { WEBHOOKS_TIME_START: '12h00' } });
    // The file overrides the environment: the window stays 09h00–19h00 and 10:00 is inside it.
    expect(JSON.parse(early.stdout!)).toMatchObject({ webhooks_time_start: 'maintenant' });
  });

  it('refuses bad input with a clear message, the right exit code and nothing on stdout', async () => {
    const cases = [
      [{ file: join(dir, 'missing.eml') }, EXIT.noInput, /cannot read .*missing\.eml: no such file/],
      [{ file: dir }, EXIT.noInput, /it is a directory/],
      [{ file: join(root, 'package.json') }, EXIT.dataErr, /does not look like an email/],
      [{ file: fixture('01-recadrage-dropbox-11h51'), now: '2026-01-13 10:15' }, EXIT.usage, /--now must be an ISO 8601 time with an offset/],
      [{ file: fixture('01-recadrage-dropbox-11h51'), configFile: join(dir, 'none.env') }, EXIT.noInput, /cannot read the config file/],
      [{ file: fixture('01-recadrage-dropbox-11h51'), env: { WEBHOOKS_TIME_END: '7pm', MAX_MESSAGE_BYTES: 'big' } }, EXIT.config, /MAX_MESSAGE_BYTES[\s\S]*WEBHOOKS_TIME_END/],
      [{ file: fixture('01-recadrage-dropbox-11h51'), env: { MAX_MESSAGE_BYTES: '1024' } }, EXIT.dataErr, /above MAX_MESSAGE_BYTES/],
    ] as const;
    for (const [request, exitCode, message] of cases) {
      const result = await checkEmail({ env: {}, ...request });
      expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode, stdout: undefined });
      expect(result.stderr.join('\n')).toMatch(message);
    }
  });

  it('writes only the JSON document on stdout when run as a command, without Redis', () => {
    const bin = join(root, 'packages/cli/bin/render-signal.js');
    const run = spawnSync(process.execPath, [bin, 'check', fixture('06-desabo-positive'), '--now', NOW, '--config', profileA], {
      env: { PATH: process.env.PATH, REDIS_URL: 'redis://127.0.0.1:1' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ detector: 'desabonnement_journee_tarifs', webhooks_time_start: 'maintenant' });
    expect(run.stderr).toBe('');

    const missing = spawnSync(process.execPath, [bin, 'check', join(dir, 'missing.eml')], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(missing.status).toBe(EXIT.noInput);
    expect(missing.stdout).toBe('');
  });
});
