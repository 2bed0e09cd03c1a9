// Benchmark "parse" (issue: parser): our parse (readEmailHeaders + extractBodies + decide, as in
// services/parser/src/processor.ts) against bare mailparser simpleParser, in the same run.
//   throughput.*  mails/s on a small, a 200 KB-HTML and a 5 MB mail (median of interleaved rounds)
//   peak-rss.*    maxRSS of fresh node processes around a 50 MB mail (goal: under 128 MiB)
import { fileURLToPath } from 'node:url';
import { attachmentMail, htmlMail, smallMail, SMALL_FIXTURE } from '../lib/mails.mjs';
import { compareThroughput, round3, runNodeChild } from '../lib/measure.mjs';
import { describeBaseline, describeOurs, loadBaseline, loadOurs, MAILPARSER_VERSION, oursImpl } from './impl.mjs';

export const name = 'parse';
export const issue = 'parser';

const BASELINE = `mailparser ${MAILPARSER_VERSION} simpleParser`;
const RSS_MESSAGE_BYTES = 50 * 1024 * 1024;
const RSS_RUNS = 3;
const RSS_GOAL_MIB = 128;
const CHILD = fileURLToPath(new URL('./rss-child.mjs', import.meta.url));

const mib = (kib) => round3(kib / 1024);

/** Fails the benchmark rather than timing a parser that silently produced nothing. */
function check(label, ours, baseline) {
  if (ours.action !== 'send' || ours.detector !== 'recadrage' || ours.links < 1) {
    throw new Error(`our parse of ${label} did not find the work order: ${JSON.stringify(ours)}`);
  }
  if (baseline.textChars === 0 || baseline.htmlChars === 0) {
    throw new Error(`simpleParser of ${label} found no text or HTML: ${JSON.stringify(baseline)}`);
  }
}

async function throughput(ours, baseline) {
  const inputs = [
    { key: 'small', label: `small mail (${SMALL_FIXTURE})`, raw: smallMail(), rounds: 31, roundMs: 100 },
    { key: 'html-200k', label: 'multipart/alternative, short text + 200 KiB HTML (quoted-printable), generated', raw: htmlMail(200 * 1024), rounds: 11, roundMs: 250 },
    { key: '5mb', label: 'multipart/mixed, text + HTML + base64 attachment, 5 MiB, generated', raw: attachmentMail(5 * 1024 * 1024), rounds: 9, roundMs: 250 },
  ];
  const results = [];
  for (const input of inputs) {
    const oursOut = describeOurs(await ours(input.raw));
    const baselineOut = describeBaseline(await baseline(input.raw));
    check(input.key, oursOut, baselineOut);
    // more, shorter rounds where calls are short: they are the most exposed to scheduling noise
    const m = await compareThroughput({ ours, baseline, input: input.raw, rounds: input.rounds, roundMs: input.roundMs });
    results.push({
      name: `throughput.${input.key}`,
      unit: 'mails/s',
      value: round3(m.ours),
      baseline: round3(m.baseline),
      baselineName: BASELINE,
      ratio: round3(m.ratio),
      ratioRange: [Math.min(...m.details.roundRatios), Math.max(...m.details.roundRatios)],
      higherIsBetter: true,
      goal: null,
      details: { input: input.label, messageBytes: input.raw.length, oursImpl, ours: oursOut, baselineOutput: baselineOut, ...m.details },
    });
  }
  return results;
}

async function peakRss() {
  const kinds = [
    ['ours', 'floor'],
    ['baseline', 'floor'],
    ['ours', 'loaded'],
    ['baseline', 'loaded'],
    ['ours', 'parse'],
    ['baseline', 'parse'],
  ];
  const runs = Object.fromEntries(kinds.map(([s, a]) => [`${s}.${a}`, []]));
  for (let r = 0; r < RSS_RUNS; r++) {
    for (const [side, action] of kinds) {
      runs[`${side}.${action}`].push(await runNodeChild(CHILD, [side, action, String(RSS_MESSAGE_BYTES)], { timeoutMs: 90_000 }));
    }
  }
  const peak = (key) => Math.max(...runs[key].map((x) => x.maxRssKiB));
  const all = (key) => runs[key].map((x) => mib(x.maxRssKiB));
  const oursParse = runs['ours.parse'];
  const baselineParse = runs['baseline.parse'];
  check('the 50 MiB mail', oursParse[0].outcome, baselineParse[0].outcome);
  const messageBytes = oursParse[0].messageBytes;
  const where = `message generated inside the child into one ${messageBytes}-byte Buffer and held until the end (counts toward RSS, as the Buffer the service gets from Redis does)`;
  const common = { runs: RSS_RUNS, statistic: `highest maxRSS of ${RSS_RUNS} fresh node processes`, messageIn: where };
  return [
    {
      name: 'peak-rss.50mb',
      unit: 'MiB',
      value: mib(peak('ours.parse')),
      baseline: mib(peak('baseline.parse')),
      baselineName: BASELINE,
      higherIsBetter: false,
      goal: { max: RSS_GOAL_MIB, text: `< ${RSS_GOAL_MIB} MiB` },
      details: {
        ...common,
        input: 'multipart/mixed: short text + 4 KiB HTML (QP) + base64 attachment, 50 MiB in all',
        messageBytes,
        oursImpl: oursParse[0].oursImpl,
        samples: { ours: all('ours.parse'), baseline: all('baseline.parse') },
        floorMiB: mib(peak('ours.floor')),
        loadedMiB: mib(peak('ours.loaded')),
        addedByParseMiB: mib(peak('ours.parse') - peak('ours.loaded')),
        baselineAddedByParseMiB: mib(peak('baseline.parse') - peak('baseline.loaded')),
        parseMs: { ours: oursParse.map((x) => x.parseMs), baseline: baselineParse.map((x) => x.parseMs) },
        ours: oursParse[0].outcome,
        baselineOutput: baselineParse[0].outcome,
      },
      note:
        `${where}; every peak-rss figure is the ${common.statistic}. "floor" imports the modules only, "loaded" also builds the message without parsing it. ` +
        `One parse of this mail took ${oursParse.map((x) => x.parseMs).join('/')} ms (ours) and ${baselineParse.map((x) => x.parseMs).join('/')} ms (baseline).`,
    },
    {
      name: 'peak-rss.50mb-loaded',
      unit: 'MiB',
      value: mib(peak('ours.loaded')),
      baseline: mib(peak('baseline.loaded')),
      baselineName: `${BASELINE} modules`,
      higherIsBetter: false,
      goal: null,
      details: { ...common, what: 'modules imported and the 50 MiB message built, not parsed', samples: { ours: all('ours.loaded'), baseline: all('baseline.loaded') } },
    },
    {
      name: 'peak-rss.floor',
      unit: 'MiB',
      value: mib(peak('ours.floor')),
      baseline: mib(peak('baseline.floor')),
      baselineName: `${BASELINE} modules`,
      higherIsBetter: false,
      goal: null,
      details: {
        ...common,
        messageIn: 'no message',
        what: 'empty child: node importing the modules of its side only (ours: services/parser decide-message with packages/core and the body module, which loads mailsplit and libmime but not mailparser itself; baseline: mailparser)',
        samples: { ours: all('ours.floor'), baseline: all('baseline.floor') },
      },
    },
  ];
}

export async function run() {
  const ours = await loadOurs();
  const baseline = await loadBaseline();
  return [...(await throughput(ours, baseline)), ...(await peakRss())];
}
