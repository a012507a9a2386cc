/**
 * `markdown` with its level-2 section `heading` (from its `## ` line to the next `## `
 * line) replaced by `section`, or with `section` appended when there is none. Every other
 * section is kept as it is.
 */
export function replaceSection(
  markdown: string,
  heading: string,
  section: string,
): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex(l => l.trim() === `## ${heading}`);
  const body = section.replace(/\n+$/, '').split('\n');
  if (start === -1) {
    const kept = markdown.replace(/\n+$/, '');
    return `${kept ? `${kept}\n\n` : ''}${body.join('\n')}\n`;
  }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end === -1) end = lines.length;
  const after = lines.slice(end);
  return `${[
    ...lines.slice(0, start),
    ...body,
    ...(after.length ? ['', ...after] : []),
  ]
    .join('\n')
    .replace(/\n+$/, '')}\n`;
}
