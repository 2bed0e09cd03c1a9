import { describe, expect, it } from '@jest/globals';
import { checkSourceUrl } from '../src/source-guard.js';

const ALLOWED = ['dropbox.com', 'fromsmash.com', 'swisstransfer.com', 'wetransfer.com'];
const problem = (url: string, allowLocal = false) => {
  const r = checkSourceUrl(url, ALLOWED, allowLocal);
  return r.ok ? 'ok' : r.problem;
};

describe('checkSourceUrl', () => {
  it.each([
    ['https://www.dropbox.com/scl/fo/abc/def?dl=1&rlkey=K1', 'ok'],
    ['https://dropbox.com/s/x/file.zip', 'ok'],
    ['https://fromsmash.com/Lot4131-Kx7Qp2', 'ok'],
    ['https://www.swisstransfer.com/d/0b7e2c94', 'ok'],
    ['https://WeTransfer.com/downloads/x', 'ok'],
  ])('accepts %s', (url, expected) => {
    expect(problem(url)).toBe(expected);
  });

  it.each([
    ['http://www.dropbox.com/s/x', 'not_https'],
    ['ftp://www.dropbox.com/s/x', 'not_https'],
    ['https://127.0.0.1/x', 'ip_literal'],
    ['https://10.0.0.1/x', 'ip_literal'],
    ['https://169.254.169.254/latest/meta-data/', 'ip_literal'],
    ['https://[::1]/x', 'ip_literal'],
    ['https://[::ffff:127.0.0.1]/x', 'ip_literal'],
    ['https://2130706433/x', 'ip_literal'], // decimal 127.0.0.1
    ['https://0177.0.0.1/x', 'ip_literal'], // octal
    ['https://0x7f.1/x', 'ip_literal'], // hex, short form
    ['https://user@www.dropbox.com/x', 'credentials_in_url'],
    ['https://www.dropbox.com@evil.example/x', 'credentials_in_url'],
    ['https://user:pw@evil.example/x', 'credentials_in_url'],
    ['https://www.dropbox.com:8443/x', 'port_not_allowed'],
    ['https://evil.example/x', 'host_not_allowed'],
    ['https://dropbox.com.evil.example/x', 'host_not_allowed'],
    ['https://notdropbox.com/x', 'host_not_allowed'],
    ['https://localhost/x', 'host_not_allowed'],
    ['not a url', 'not_a_url'],
  ])('refuses %s (%s)', (url, expected) => {
    expect(problem(url)).toBe(expected);
  });

  it('lets loopback http origins through only with the development switch', () => {
    expect(problem('http://127.0.0.1:8080/file.zip')).toBe('not_https');
    expect(problem('http://127.0.0.1:8080/file.zip', true)).toBe('ok');
    expect(problem('http://localhost:8080/file.zip', true)).toBe('ok');
    // The switch opens loopback only, not private networks.
    expect(problem('http://10.0.0.1/file.zip', true)).toBe('not_https');
    expect(problem('https://10.0.0.1/file.zip', true)).toBe('ip_literal');
  });
});
