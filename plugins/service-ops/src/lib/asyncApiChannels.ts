/**
 * The channel names of an AsyncAPI definition, which for the platform's APIs are NATS
 * subjects (`authoring.course_draft.published.v1`). Reads JSON definitions, and the
 * keys directly under `channels:` of YAML ones (no YAML parser is a dependency of
 * this package); returns an empty list when it finds none.
 */
export function asyncApiChannels(definition: unknown): string[] {
  if (typeof definition !== 'string') return [];
  const trimmed = definition.trim();
  if (trimmed.startsWith('{')) {
    try {
      const channels = JSON.parse(trimmed)?.channels;
      return channels && typeof channels === 'object'
        ? Object.keys(channels)
        : [];
    } catch {
      return [];
    }
  }
  const lines = definition.split('\n');
  const start = lines.findIndex(line => /^\s*channels:\s*$/.test(line));
  if (start < 0) return [];
  const indentOf = (line: string) => line.length - line.trimStart().length;
  const parentIndent = indentOf(lines[start]);
  let childIndent: number | undefined;
  const channels: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const indent = indentOf(line);
    if (indent <= parentIndent) break;
    childIndent ??= indent;
    if (indent !== childIndent) continue;
    const key = /^\s*(['"]?)(.+?)\1:\s*(#.*)?$/.exec(line);
    if (key) channels.push(key[2]);
  }
  return channels;
}
