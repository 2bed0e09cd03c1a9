// IMAP helpers for the benchmarks that fill a mailbox: many messages per APPEND command.

/** `a:b,c,…` (an APPENDUID set) → the UIDs, in order. */
export function expandUidSet(set) {
  const uids = [];
  for (const part of String(set).split(',')) {
    const [a, b = a] = part.split(':').map(Number);
    if (!(a > 0 && b > 0)) throw new Error(`unreadable UID set ${set}`);
    for (let u = Math.min(a, b); u <= Math.max(a, b); u++) uids.push(u);
  }
  return uids;
}

/**
 * RFC 3502 MULTIAPPEND: every message of `messages` in one APPEND command (non-synchronizing
 * literals, LITERAL+), through imapflow's generic `exec` since its `append()` sends one
 * message per command. The server adds them all or none, so a client in IDLE sees them arrive
 * at once. Returns the UIDVALIDITY and the UIDs of the APPENDUID code (RFC 4315).
 */
export async function multiAppend(client, mailbox, messages) {
  for (const cap of ['MULTIAPPEND', 'UIDPLUS', 'LITERAL+']) {
    if (!client.capabilities.has(cap)) throw new Error(`the IMAP server does not announce ${cap}`);
  }
  const attributes = [{ type: 'ATOM', value: mailbox }, ...messages.map((m) => ({ type: 'LITERAL', value: Buffer.from(m) }))];
  const response = await client.exec('APPEND', attributes);
  const section = response.response.attributes?.[0]?.section ?? [];
  response.next();
  const [code, uidValidity, set] = section.map((a) => String(a.value));
  if (code?.toUpperCase() !== 'APPENDUID') throw new Error(`MULTIAPPEND answered without APPENDUID (${section.map((a) => a.value).join(' ')})`);
  const uids = expandUidSet(set);
  if (uids.length !== messages.length) throw new Error(`MULTIAPPEND of ${messages.length} messages returned ${uids.length} UIDs (${set})`);
  return { uidValidity, uids };
}

/** Appends `messages` in commands of `batch` messages each; all must land under one UIDVALIDITY. */
export async function multiAppendAll(client, mailbox, messages, batch = 1_000) {
  const uids = [];
  let uidValidity = '';
  for (let i = 0; i < messages.length; i += batch) {
    const r = await multiAppend(client, mailbox, messages.slice(i, i + batch));
    if (uidValidity && r.uidValidity !== uidValidity) throw new Error(`UIDVALIDITY changed during the fill: ${uidValidity} → ${r.uidValidity}`);
    uidValidity = r.uidValidity;
    uids.push(...r.uids);
  }
  if (new Set(uids).size !== messages.length) throw new Error(`the fill returned ${new Set(uids).size} distinct UIDs, expected ${messages.length}`);
  return { uidValidity, uids };
}

/**
 * `imapClient(user, extra)` for the users of a test Dovecot (`startDovecot`): TLS verified against
 * its CA, no logger, and an 'error' listener so a dropped connection only rejects its command.
 */
export function imapClientsOf(ImapFlow, dovecot, users) {
  return (user, extra = {}) => {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: true,
      tls: { ca: dovecot.caPem, rejectUnauthorized: true },
      auth: { user, pass: users[user] },
      logger: false,
      ...extra,
    });
    client.on('error', () => {});
    return client;
  };
}

/** The bare baseline of a drain: every message's source in one `UID FETCH 1:*`, held in memory. */
export async function fetchAllSources(client, mailbox) {
  await client.mailboxOpen(mailbox, { readOnly: true });
  const sources = [];
  let bytes = 0;
  for await (const msg of client.fetch('1:*', { uid: true, source: true }, { uid: true })) {
    sources.push(msg.source);
    bytes += msg.source.length;
  }
  return { messages: sources.length, bytes };
}

