/**
 * A small, distinct plain-text message (a few hundred bytes) with its own Message-ID, for tests
 * and benchmarks that need many messages rather than realistic ones.
 */
export function plainMessage(tag: string, n: number, domain = 'test.example.org'): string {
  return [
    `From: Sender ${n} <sender${n}@example.org>`,
    'To: inbox@example.org',
    `Subject: ${tag} message ${n}`,
    `Message-ID: <${tag}.${n}@${domain}>`,
    'Date: Tue, 13 Jan 2026 10:15:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${tag} message ${n}.`,
    '',
  ].join('\r\n');
}
