// Turns the benchmark results into the report: the JSON document and a readable Markdown summary.

const fmt = (x) => {
  if (x === null || x === undefined) return '—';
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return abs >= 100 ? x.toFixed(0) : abs >= 10 ? x.toFixed(1) : abs >= 1 ? x.toFixed(2) : x.toPrecision(3);
};

const sig = (x) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

/** One result in report order, with ratio (value ÷ baseline unless given) and pass from the goal. */
export function complete(benchmark, issue, result) {
  const { name, unit, value, baseline = null, baselineName = null, higherIsBetter = null, goal = null, ratioRange = null, note = null, details = {} } = result;
  const ratio = sig(result.ratio ?? (typeof baseline === 'number' && baseline !== 0 ? value / baseline : null));
  let pass = null;
  if (goal) {
    const checks = [];
    if (goal.max !== undefined) checks.push(value < goal.max);
    if (goal.min !== undefined) checks.push(value > goal.min);
    if (goal.maxRatio !== undefined) checks.push(ratio !== null && ratio <= goal.maxRatio);
    if (goal.minRatio !== undefined) checks.push(ratio !== null && ratio >= goal.minRatio);
    pass = checks.length > 0 ? checks.every(Boolean) : null;
  }
  return { benchmark, issue, name, unit, value: sig(value), baseline: sig(baseline), baselineName, ratio, ratioRange: ratioRange && ratioRange.map(sig), higherIsBetter, goal, pass, note, details };
}

function goalText(goal, unit) {
  if (!goal) return '—';
  if (goal.text) return goal.text;
  const parts = [];
  if (goal.max !== undefined) parts.push(`< ${goal.max} ${unit}`);
  if (goal.min !== undefined) parts.push(`> ${goal.min} ${unit}`);
  if (goal.maxRatio !== undefined) parts.push(`ratio ≤ ${goal.maxRatio}`);
  if (goal.minRatio !== undefined) parts.push(`ratio ≥ ${goal.minRatio}`);
  return parts.join(', ');
}

export function markdown(report) {
  const m = report.meta;
  const lines = [
    `# render-signal benchmarks`,
    '',
    `${m.startedAt} · node ${m.node} · ${m.cpus} × ${m.cpuModel} · load ${m.loadAvgStart.join(' ')} → ${m.loadAvgEnd.join(' ')} · commit ${m.commit ?? '?'}${m.dirty ? ' (uncommitted changes)' : ''} · ${m.durationS} s`,
    '',
    'Ratio = ours ÷ baseline, both measured in this run (for throughput: median of the per-round ratios, with their range).',
    '↑ higher is better, ↓ lower is better.',
    '',
    '| benchmark | metric | value | baseline | ratio | goal | result |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
  ];
  const notes = [];
  for (const r of report.results) {
    const result = r.pass === null ? '—' : r.pass ? 'pass' : '**FAIL**';
    const range = Array.isArray(r.ratioRange) ? ` (${fmt(r.ratioRange[0])}–${fmt(r.ratioRange[1])})` : '';
    const arrow = r.higherIsBetter === true ? ' ↑' : r.higherIsBetter === false ? ' ↓' : '';
    lines.push(`| ${r.benchmark} | ${r.name}${arrow} | ${fmt(r.value)} ${r.unit} | ${r.baseline === null || r.baseline === undefined ? '—' : `${fmt(r.baseline)} ${r.unit}`} | ${fmt(r.ratio)}${range} | ${goalText(r.goal, r.unit)} | ${result} |`);
    if (r.note) notes.push(`- ${r.benchmark}.${r.name}: ${r.note}`);
  }
  const baselines = new Map();
  for (const r of report.results.filter((x) => x.baselineName)) {
    const key = `${r.benchmark}: ${r.baselineName}`;
    baselines.set(key, [...(baselines.get(key) ?? []), r.name]);
  }
  if (baselines.size) lines.push('', 'Baselines:', ...[...baselines].map(([b, names]) => `- ${b} (${names.join(', ')})`));
  const inputs = report.results.filter((r) => r.details?.input).map((r) => `- ${r.benchmark}.${r.name}: ${r.details.input}, ${r.details.messageBytes ?? '?'} bytes`);
  if (inputs.length) lines.push('', 'Inputs:', ...inputs);
  if (notes.length) lines.push('', 'Notes:', ...notes);
  if (report.errors.length) {
    lines.push('', 'Errors:');
    for (const e of report.errors) lines.push(`- ${e.benchmark}: ${e.error.split('\n')[0]} (stack in latest.json)`);
  }
  const failed = report.results.filter((r) => r.pass === false).length;
  lines.push('', `${report.results.length} metrics, ${failed} goal(s) failed, ${report.errors.length} benchmark(s) crashed. Details: bench/results/latest.json`);
  return lines.join('\n') + '\n';
}
