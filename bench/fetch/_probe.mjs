import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { plainMessage } from '../../packages/testing/dist/plain-message.js';
const fromFetcher = createRequire(new URL('../../services/imap-fetcher/package.json', import.meta.url));
const { ImapFlow } = await import(pathToFileURL(fromFetcher.resolve('imapflow')).href);
const testing = await import('../../packages/testing/dist/index.js');
const users = { a: 'apw', b: 'bpw', c: 'cpw', d: 'dpw' };
const dovecot = await testing.startDovecot({ users });
const mk = (user) => { const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: true, tls: { ca: dovecot.caPem }, auth: { user, pass: users[user] }, logger: false, disableAutoIdle: true }); c.on('error', () => {}); return c; };
console.log([...(await (async()=>{const c=mk('a');await c.connect();const caps=c.capabilities;await c.logout();return caps.keys()})())].join(' '));
for (const [user, per] of [['b', 100], ['c', 1000]]) {
  const N = 10000;
  const c = mk(user); await c.connect();
  const t = performance.now();
  const sets = [];
  for (let k = 0; k < N; k += per) {
    const attrs = [{ type: 'ATOM', value: 'INBOX' }];
    for (let j = k; j < Math.min(N, k + per); j++) attrs.push({ type: 'LITERAL', value: Buffer.from(plainMessage('fill', j, 'x.org')) });
    const res = await c.exec('APPEND', attrs);
    const section = res.response.attributes?.[0]?.section;
    sets.push(section.map((s) => s.value).join(' '));
    res.next();
  }
  console.log(user, per, 'per cmd', Math.round(N * 1000 / (performance.now() - t)), 'msg/s', sets.slice(0,2), sets.at(-1));
  await c.logout();
}
await dovecot.stop();
