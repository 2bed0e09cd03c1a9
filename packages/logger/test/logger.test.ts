import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger, maskEmail, maskSubject } from '../src/index.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes the code, service and level on every line', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'parser', destination });
    log.info({ code: 'parse.decided', emailId: 'abc' });
    log.child({ component: 'x' }).warn({ code: 'job.retrying' }, 'retrying');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'parser', code: 'parse.decided', emailId: 'abc' }),
      expect.objectContaining({ level: 'warn', component: 'x', code: 'job.retrying', msg: 'retrying' }),
    ]);
  });

  it('redacts secrets and personal fields, at the top level and one level down', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 't', destination });
    log.info({
      code: 'parse.decided',
      password: 'hunter2',
      subject: 'Média Solution - Missions Recadrage - Lot 4127',
      job: { payload: { email_content: 'Bonjour' }, token: 'secret-token', sender_email: 'b.vasseur@studio-lumiere.example.com' },
    });
    const text = JSON.stringify(lines);
    for (const secret of ['hunter2', 'Missions Recadrage', 'Bonjour', 'secret-token', 'b.vasseur']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: '[redacted]', subject: '[redacted]', job: { payload: '[redacted]', token: '[redacted]' } });
  });

  it('redacts on a copy: the object logged is untouched, other fields pass through', () => {
    const { lines, destination } = capture();
    const fields = { code: 'parse.decided' as const, emailId: 'abc', job: { id: 7, body: 'Bonjour' } };
    createLogger({ service: 't', destination }).info(fields);
    expect(fields.job.body).toBe('Bonjour');
    expect(lines[0]).toMatchObject({ emailId: 'abc', job: { id: 7, body: '[redacted]' } });
  });

  it('logs errors as name, code and message only', () => {
    const { lines, destination } = capture();
    const err = Object.assign(new Error('boom'), { code: 'ECONNRESET', response: { body: 'private' } });
    createLogger({ service: 't', destination }).error({ code: 'fetch.failed', err });
    expect(lines[0]?.err).toEqual({ name: 'Error', message: 'boom', code: 'ECONNRESET' });
  });

  it('re-exports the masking helpers of the original', () => {
    expect(maskEmail('b.vasseur@studio-lumiere.example.com')).toBe('b***@studio-lumiere.example.com');
    expect(maskSubject('Média Solution - Missions Recadrage - Lot 4127')).toBe('Média Solution -... [07d2ec]');
  });
});
