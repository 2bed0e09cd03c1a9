// One peak-RSS measurement in a fresh process:
//   node rss-child.mjs <side> <action> <bytes>
//   side    ours | baseline: which parser's modules are imported (and run)
//   action  floor  import the modules, nothing else
//           loaded also build the message (one Buffer), do not parse it
//           parse  build the message and parse it once
// The message is generated here, in this process, into a single Buffer (the parser service gets
// the raw message from Redis as one Buffer), so it counts toward RSS. It is kept alive to the end,
// as the service keeps it until the job is done. Prints one JSON line; RSS figures are in KiB.
import { attachmentMail } from '../lib/mails.mjs';
import { describeBaseline, describeOurs, loadBaseline, loadOurs, oursImpl } from './impl.mjs';

const [side, action, bytesArg] = process.argv.slice(2);
const bytes = Number(bytesArg ?? 0);
if (!['ours', 'baseline'].includes(side) || !['floor', 'loaded', 'parse'].includes(action) || (action !== 'floor' && !(bytes > 0))) {
  console.error('usage: rss-child.mjs <ours|baseline> <floor|loaded|parse> <bytes>');
  process.exit(2);
}

const kib = () => process.resourceUsage().maxRSS;
const parse = side === 'ours' ? await loadOurs() : await loadBaseline();
const result = { side, action, execArgv: process.execArgv, importedKiB: kib() };
if (side === 'ours') result.oursImpl = oursImpl;
let raw;
if (action !== 'floor') {
  raw = attachmentMail(bytes);
  result.messageBytes = raw.length;
  result.messageIn = 'generated in this process (one Buffer)';
  result.loadedKiB = kib();
}
if (action === 'parse') {
  const started = performance.now();
  const out = await parse(raw);
  result.parseMs = Math.round(performance.now() - started);
  result.outcome = side === 'ours' ? describeOurs(out) : describeBaseline(out);
}
result.maxRssKiB = kib();
result.messageStillHeld = raw === undefined ? false : raw.length > 0;
console.log(JSON.stringify(result));
