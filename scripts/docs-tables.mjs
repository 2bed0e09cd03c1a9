// The README's configuration and log-code tables, rendered from their single sources
// (packages/config VARIABLES, packages/logger LOG_CODES). A test checks the README contains them.
const cell = (s) => String(s).replaceAll('|', '\\|');

export function configTable(variables) {
  const rows = variables.map(
    (v) =>
      `| \`${v.name}\` | ${v.aliases.map((a) => `\`${a}\``).join(', ')} | ${v.default === '' ? '' : `\`${cell(v.default)}\``} | ${(v.requiredBy ?? []).join(', ')} | ${cell(v.description)} |`,
  );
  return ['| Variable | Aliases | Default | Required by | Meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export function logCodeTable(codes) {
  const rows = Object.entries(codes).map(([code, { level, text }]) => `| \`${code}\` | ${level} | ${cell(text)} |`);
  return ['| Code | Level | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
