import { describe, expect, it } from '@jest/globals';
import { checkResolvedHost, isLoopbackAddress, isPrivateAddress, type ResolveHost } from '../src/index.js';

const PRIVATE = [
  // IPv4
  '0.0.0.0',
  '0.1.2.3',
  '10.0.0.1',
  '10.255.255.255',
  '100.64.0.1',
  '100.127.255.254',
  '127.0.0.1',
  '127.255.255.254',
  '169.254.0.1',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.255',
  '192.0.0.8',
  '192.0.2.10',
  '192.168.0.1',
  '192.168.255.255',
  '198.18.0.1',
  '198.19.255.255',
  '198.51.100.7',
  '203.0.113.9',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  // IPv6
  '::',
  '::1',
  '[::1]',
  '0:0:0:0:0:0:0:1',
  '::127.0.0.1',
  'fc00::1',
  'fd12:3456:789a::1',
  'fe80::1',
  'fe80::1%eth0',
  'febf:ffff::1',
  'fec0::1',
  'ff02::1',
  '2001:db8::1',
  '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  '100::1',
  '64:ff9b:1::1',
  // IPv4 embedded in IPv6
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  '::ffff:a9fe:a9fe',
  '::ffff:192.168.1.1',
  '::ffff:100.64.0.1',
  '::ffff:0.0.0.0',
  '0:0:0:0:0:ffff:7f00:0001',
  '64:ff9b::10.0.0.1',
  '64:ff9b::a9fe:a9fe',
  '2002:7f00:1::',
  '2002:c0a8:101::1',
  // not addresses at all: refused
  '',
  'localhost',
  'example.org',
  '127.1',
  '0x7f000001',
  '2130706433',
  '1.2.3',
  '::ffff:999.0.0.1',
  'garbage',
];

const PUBLIC = [
  '1.1.1.1',
  '8.8.8.8',
  '9.255.255.255',
  '11.0.0.1',
  '100.63.255.255',
  '100.128.0.1',
  '126.255.255.255',
  '128.0.0.1',
  '169.253.255.255',
  '169.255.0.1',
  '172.15.255.255',
  '172.32.0.1',
  '192.167.255.255',
  '192.169.0.1',
  '198.17.255.255',
  '198.20.0.1',
  '223.255.255.255',
  '93.184.216.34',
  '2606:4700:4700::1111',
  '2a00:1450:4007:80e::200e',
  '2001:4860:4860::8888',
  '[2606:4700:4700::1111]',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
  'fbff:ffff::1',
  'fe00::1',
];

describe('isPrivateAddress', () => {
  it.each(PRIVATE)('refuses %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each(PUBLIC)('accepts %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1'])('%s is loopback', (ip) => {
    expect(isLoopbackAddress(ip)).toBe(true);
  });
  it.each(['10.0.0.1', '::', '::2', '169.254.169.254', '::ffff:10.0.0.1', 'localhost', 'fe80::1'])('%s is not loopback', (ip) => {
    expect(isLoopbackAddress(ip)).toBe(false);
  });
});

function fakeResolver(table: Record<string, string[]>): ResolveHost & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(resolve, { calls });
}

describe('checkResolvedHost', () => {
  const resolve = fakeResolver({
    'hooks.example.org': ['93.184.216.34', '2606:4700:4700::1111'],
    'metadata.example.org': ['169.254.169.254'],
    'mixed.example.org': ['93.184.216.34', '10.0.0.5'],
    'mapped.example.org': ['::ffff:127.0.0.1'],
    'empty.example.org': [],
    localhost: ['127.0.0.1', '::1'],
    'lan.example.org': ['192.168.1.20'],
  });

  it('accepts a name whose every address is public, and returns them', async () => {
    expect(await checkResolvedHost('hooks.example.org', resolve)).toEqual({ ok: true, addresses: ['93.184.216.34', '2606:4700:4700::1111'] });
  });

  it.each(['metadata.example.org', 'mixed.example.org', 'mapped.example.org', 'localhost', 'lan.example.org'])('refuses %s', async (host) => {
    expect(await checkResolvedHost(host, resolve)).toEqual({ ok: false, problem: 'resolves to a private, loopback or link-local address' });
  });

  it('refuses a name that does not resolve or resolves to nothing', async () => {
    expect(await checkResolvedHost('nowhere.example.org', resolve)).toEqual({ ok: false, problem: 'host name does not resolve' });
    expect(await checkResolvedHost('empty.example.org', resolve)).toEqual({ ok: false, problem: 'host name does not resolve' });
    expect(await checkResolvedHost('', resolve)).toEqual({ ok: false, problem: 'has no host' });
  });

  it('checks IP literals without asking the resolver', async () => {
    const before = resolve.calls.length;
    expect((await checkResolvedHost('[::1]', resolve)).ok).toBe(false);
    expect((await checkResolvedHost('0.0.0.0', resolve)).ok).toBe(false);
    expect((await checkResolvedHost('169.254.169.254', resolve)).ok).toBe(false);
    expect(await checkResolvedHost('8.8.8.8', resolve)).toEqual({ ok: true, addresses: ['8.8.8.8'] });
    expect(resolve.calls.length).toBe(before);
  });

  it('accepts loopback, and only loopback, when local targets are allowed', async () => {
    expect((await checkResolvedHost('localhost', resolve, { allowLoopback: true })).ok).toBe(true);
    expect((await checkResolvedHost('127.0.0.1', resolve, { allowLoopback: true })).ok).toBe(true);
    expect((await checkResolvedHost('[::1]', resolve, { allowLoopback: true })).ok).toBe(true);
    expect((await checkResolvedHost('lan.example.org', resolve, { allowLoopback: true })).ok).toBe(false);
    expect((await checkResolvedHost('metadata.example.org', resolve, { allowLoopback: true })).ok).toBe(false);
  });
});
