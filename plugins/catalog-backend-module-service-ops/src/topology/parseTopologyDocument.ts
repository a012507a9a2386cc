import MarkdownIt, { type Token } from 'markdown-it';
import { parseDiagram } from './parseDiagram';
import { parseQuantity } from '@internal/backstage-plugin-service-ops-common';
import { parseTriggers } from './parseTrigger';
import {
  ContainerType,
  EgressRow,
  StoreRow,
  DocumentProblem,
  RequestLimit,
  StoreKind,
  TopologyDocument,
} from './types';

/** The sections the documents have, under the names they use for them. */
export type SectionKind =
  | 'containers'
  | 'scaling'
  | 'resources'
  | 'storage'
  | 'cdn'
  | 'kms'
  | 'regions'
  | 'mesh'
  | 'release'
  | 'diagram'
  | 'dr';

const SECTION_NAMES: Array<[SectionKind, RegExp]> = [
  ['containers', /^(containers?|workloads?)$/],
  ['scaling', /^(auto)?scaling( rules)?$/],
  ['resources', /^resource(s| requirements| limits)$/],
  ['storage', /storage|caching/],
  ['cdn', /^cdn( usage)?$/],
  ['kms', /^kms$|key management/],
  ['regions', /region/],
  ['mesh', /service mesh|^mesh$/],
  ['release', /release/],
  ['diagram', /diagram/],
  ['dr', /^dr$|disaster recovery/],
];

/** `## 2. Scaling Rules` -> `scaling`. */
export function sectionKind(heading: string): SectionKind | undefined {
  const name = heading
    .replace(/^\s*\d+(\.\d+)*\.?\s*/, '')
    .trim()
    .toLowerCase();
  return SECTION_NAMES.find(([, pattern]) => pattern.test(name))?.[0];
}

interface Table {
  headers: string[];
  rows: Array<{ cells: string[]; line: number }>;
  line: number;
}

interface Section {
  kind?: SectionKind;
  heading: string;
  line: number;
  tables: Table[];
  bullets: Array<{ text: string; line: number }>;
  paragraphs: Array<{ text: string; line: number }>;
  fences: Array<{ text: string; firstLine: number }>;
}

const markdown = new MarkdownIt('commonmark').enable('table');

/** Plain text of an inline token: code spans keep their text, markup is dropped. */
function inlineText(token: Token | undefined): string {
  if (!token) return '';
  return (token.children ?? [])
    .map(child => {
      if (child.type === 'softbreak' || child.type === 'hardbreak') return ' ';
      return child.content;
    })
    .join('')
    .trim();
}

/** Splits the document into sections at level-2 headings (level 1 is the title). */
function readSections(source: string): Section[] {
  const tokens = markdown.parse(source, {});
  const sections: Section[] = [];
  let current: Section | undefined;
  let table: Table | undefined;
  let row: { cells: string[]; line: number } | undefined;
  let inHead = false;
  let listDepth = 0;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const line = (token.map?.[0] ?? 0) + 1;
    switch (token.type) {
      case 'heading_open':
        if (token.tag === 'h2') {
          const heading = inlineText(tokens[i + 1]);
          current = {
            kind: sectionKind(heading),
            heading,
            line,
            tables: [],
            bullets: [],
            paragraphs: [],
            fences: [],
          };
          sections.push(current);
        }
        break;
      case 'table_open':
        table = { headers: [], rows: [], line };
        current?.tables.push(table);
        break;
      case 'thead_open':
        inHead = true;
        break;
      case 'thead_close':
        inHead = false;
        break;
      case 'tr_open':
        row = { cells: [], line };
        break;
      case 'th_open':
      case 'td_open':
        row?.cells.push(inlineText(tokens[i + 1]));
        break;
      case 'tr_close':
        if (table && row) {
          if (inHead) table.headers = row.cells;
          else table.rows.push(row);
        }
        row = undefined;
        break;
      case 'table_close':
        table = undefined;
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        listDepth++;
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        listDepth--;
        break;
      case 'paragraph_open': {
        const text = inlineText(tokens[i + 1]);
        if (listDepth > 0) current?.bullets.push({ text, line });
        else current?.paragraphs.push({ text, line });
        break;
      }
      case 'fence':
      case 'code_block':
        current?.fences.push({ text: token.content, firstLine: line + 1 });
        break;
      default:
        break;
    }
  }
  return sections;
}

function column(headers: string[], pattern: RegExp): number {
  return headers.findIndex(header => pattern.test(header.trim().toLowerCase()));
}

/** `1Gi / 4Gi (Yjs docs in memory)` -> request, limit and note. */
function parseRequestLimit(cell: string): {
  value: RequestLimit;
  note?: string;
} {
  const note = /\(([^)]*)\)\s*$/.exec(cell)?.[1]?.trim();
  const body = cell.replace(/\([^)]*\)\s*$/, '').trim();
  const parts = body.split('/').map(part => part.trim());
  if (parts.length !== 2 || parts.some(part => !part)) {
    throw new Error(
      `'${cell}' is not '<request> / <limit>' (e.g. '500m / 2000m')`,
    );
  }
  const value = {
    request: parseQuantity(parts[0]),
    limit: parseQuantity(parts[1]),
  };
  if (value.request.value > value.limit.value) {
    throw new Error(
      `'${cell}' declares a request above its limit, which Kubernetes rejects`,
    );
  }
  return note ? { value, note } : { value };
}

function containerType(purpose: string): ContainerType {
  if (/web\s?socket|\bws\b/i.test(purpose)) return 'websocket';
  if (/\b(rest|http|grpc|graphql)?\s*api\b/i.test(purpose)) return 'service';
  return 'worker';
}

/** What kind of store a name from the document stands for, e.g. `Postgres pgbouncer` -> postgres. */
export function storeKind(label: string): StoreKind | undefined {
  const text = label.toLowerCase();
  if (/postgres|pgbouncer|mysql|database/.test(text)) return 'postgres';
  if (/redis|memcache|valkey/.test(text)) return 'redis';
  if (/\bs3\b|\br2\b|gcs|blob|bucket/.test(text)) return 'object-storage';
  if (/\bcdn\b/.test(text)) return 'cdn';
  if (/\bkms\b|\bhsm\b/.test(text)) return 'kms';
  if (/ephemeral|local disk|scratch/.test(text)) return 'ephemeral-storage';
  return undefined;
}

/** `Redis (per region)` -> `redis`, `S3/R2` -> `s3-r2`, `S3 hot` -> `s3-hot`. */
export function slug(text: string): string {
  return text
    .replace(/\([^)]*\)/g, ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const ENTITY_NAME = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

/**
 * Reads a deployment-topology document (markdown with GFM tables) into the declared
 * model of the service. Rows that cannot be read are reported in `problems` with
 * their line; everything else is still returned.
 */
export function parseTopologyDocument(source: string): TopologyDocument {
  const sections = readSections(source);
  const problems: DocumentProblem[] = [];
  const doc: TopologyDocument = {
    containers: [],
    scaling: [],
    resources: [],
    stores: [],
    meshEgress: [],
    diagramEdges: [],
    notes: {},
    problems,
  };
  const find = (kind: SectionKind) => sections.filter(s => s.kind === kind);
  const firstTable = (kind: SectionKind) => {
    const section = find(kind)[0];
    if (!section) return undefined;
    const table = section.tables[0];
    if (!table) {
      problems.push({
        line: section.line,
        message: `section '${section.heading}' has no table`,
      });
    }
    return table;
  };
  const missingColumn = (table: Table, what: string) =>
    problems.push({
      line: table.line,
      message: `the table has no ${what} column (columns: ${table.headers.join(
        ', ',
      )})`,
    });

  // Containers
  const containerTable = firstTable('containers');
  if (!find('containers').length) {
    problems.push({
      line: 1,
      message: "the document has no 'Containers' section",
    });
  }
  if (containerTable) {
    const name = column(containerTable.headers, /^(container|workload|name)$/);
    const purpose = column(containerTable.headers, /purpose|description|role/);
    if (name < 0) missingColumn(containerTable, "'Container'");
    else {
      for (const row of containerTable.rows) {
        const containerName = row.cells[name] ?? '';
        if (!ENTITY_NAME.test(containerName)) {
          problems.push({
            line: row.line,
            message: `'${containerName}' is not a valid container name (lower-case letters, digits and dashes)`,
          });
          continue;
        }
        if (doc.containers.some(c => c.name === containerName)) {
          problems.push({
            line: row.line,
            message: `container '${containerName}' is listed twice`,
          });
          continue;
        }
        const text = purpose >= 0 ? row.cells[purpose] ?? '' : '';
        doc.containers.push({
          name: containerName,
          purpose: text,
          type: containerType(text),
          line: row.line,
        });
      }
    }
  }
  const known = new Set(doc.containers.map(c => c.name));
  const checkContainer = (
    containerName: string,
    line: number,
    table: string,
  ) => {
    if (known.has(containerName)) return true;
    problems.push({
      line,
      message: `${table} row names '${containerName}', which the Containers table does not list`,
    });
    return false;
  };

  // Scaling
  const scalingTable = firstTable('scaling');
  if (scalingTable) {
    const name = column(scalingTable.headers, /^(container|workload|name)$/);
    const min = column(scalingTable.headers, /^min/);
    const max = column(scalingTable.headers, /^max/);
    const trigger = column(scalingTable.headers, /^hpa|trigger|metric/);
    if (name < 0 || min < 0 || max < 0 || trigger < 0) {
      missingColumn(scalingTable, "'Container', 'Min', 'Max' or 'HPA'");
    } else {
      for (const row of scalingTable.rows) {
        const containerName = row.cells[name] ?? '';
        if (!checkContainer(containerName, row.line, 'scaling')) continue;
        try {
          const minText = row.cells[min] ?? '';
          const maxText = row.cells[max] ?? '';
          if (!/^\d+$/.test(minText) || !/^\d+$/.test(maxText)) {
            throw new Error(
              `min '${minText}' and max '${maxText}' must be whole numbers of replicas`,
            );
          }
          if (Number(minText) > Number(maxText)) {
            throw new Error(`min ${minText} is above max ${maxText}`);
          }
          const triggerText = row.cells[trigger] ?? '';
          doc.scaling.push({
            container: containerName,
            min: Number(minText),
            max: Number(maxText),
            triggers: parseTriggers(triggerText),
            triggerText,
            line: row.line,
          });
        } catch (error) {
          problems.push({
            line: row.line,
            message: `scaling of '${containerName}': ${
              (error as Error).message
            }`,
          });
        }
      }
    }
  }

  // Resources
  const resourceTable = firstTable('resources');
  if (resourceTable) {
    const name = column(resourceTable.headers, /^(container|workload|name)$/);
    const cpu = column(resourceTable.headers, /cpu/);
    const memory = column(resourceTable.headers, /mem/);
    if (name < 0 || cpu < 0 || memory < 0) {
      missingColumn(resourceTable, "'Container', 'CPU' or 'Mem'");
    } else {
      for (const row of resourceTable.rows) {
        const containerName = row.cells[name] ?? '';
        if (!checkContainer(containerName, row.line, 'resources')) continue;
        try {
          const cpuValue = parseRequestLimit(row.cells[cpu] ?? '');
          const memoryValue = parseRequestLimit(row.cells[memory] ?? '');
          const note = [cpuValue.note, memoryValue.note]
            .filter(Boolean)
            .join('; ');
          doc.resources.push({
            container: containerName,
            cpu: cpuValue.value,
            memory: memoryValue.value,
            ...(note ? { note } : {}),
            line: row.line,
          });
        } catch (error) {
          problems.push({
            line: row.line,
            message: `resources of '${containerName}': ${
              (error as Error).message
            }`,
          });
        }
      }
    }
  }

  // Stores: the storage table, plus CDN and KMS when they have sections of their own.
  const addStore = (store: StoreRow) => {
    if (doc.stores.some(s => s.key === store.key)) {
      problems.push({
        line: store.line,
        message: `store '${store.label}' is listed twice`,
      });
      return;
    }
    doc.stores.push(store);
  };
  const storageTable = firstTable('storage');
  if (storageTable) {
    const name = column(storageTable.headers, /^(layer|tier|store|name)$/);
    const contents = column(
      storageTable.headers,
      /contents|purpose|description/,
    );
    const retention = column(storageTable.headers, /ttl|retention/);
    if (name < 0) missingColumn(storageTable, "'Layer' or 'Tier'");
    else {
      for (const row of storageTable.rows) {
        const label = row.cells[name] ?? '';
        const key = slug(label);
        if (!key) {
          problems.push({ line: row.line, message: 'storage row has no name' });
          continue;
        }
        const retentionText = retention >= 0 ? row.cells[retention] : undefined;
        addStore({
          key,
          label,
          kind: storeKind(label) ?? 'other',
          description: contents >= 0 ? row.cells[contents] ?? '' : '',
          ...(retentionText && retentionText !== '—' && retentionText !== '-'
            ? { retention: retentionText }
            : {}),
          line: row.line,
        });
      }
    }
  }
  for (const kind of ['cdn', 'kms'] as const) {
    const section = find(kind)[0];
    if (!section || doc.stores.some(s => s.kind === kind)) continue;
    addStore({
      key: kind,
      label: kind.toUpperCase(),
      kind,
      description: section.bullets.map(b => b.text).join(' '),
      line: section.line,
    });
  }

  // Service-mesh egress: "Egress to media-service, catalog-service, ai-gateway (for ...)."
  for (const section of find('mesh')) {
    for (const bullet of section.bullets) {
      const match = /^egress to\s+(.*)$/i.exec(bullet.text);
      if (!match) continue;
      const targets = match[1]
        .replace(/\.$/, '')
        .split(/,\s*(?![^()]*\))|\s+and\s+(?![^()]*\))/)
        .map(t => t.trim())
        .filter(Boolean);
      for (const target of targets) {
        const note = /\(([^)]*)\)/.exec(target)?.[1]?.trim();
        const name = target
          .replace(/\([^)]*\)/g, '')
          .replace(/\s+via\s+.*$/i, '')
          .trim();
        const egress: EgressRow = { target: name, line: bullet.line };
        const via = /\s+via\s+(.*)$/i.exec(
          target.replace(/\([^)]*\)/g, ''),
        )?.[1];
        const fullNote = [note, via && `via ${via.trim()}`]
          .filter(Boolean)
          .join('; ');
        if (fullNote) egress.note = fullNote;
        doc.meshEgress.push(egress);
      }
    }
  }

  // Diagram
  for (const section of find('diagram')) {
    for (const fence of section.fences) {
      doc.diagramEdges.push(
        ...parseDiagram(fence.text.replace(/\n$/, ''), fence.firstLine),
      );
    }
  }

  // Prose sections, kept as notes for the entity page.
  for (const section of sections) {
    const key = section.kind ?? slug(section.heading);
    const texts = [...section.bullets, ...section.paragraphs].map(b => b.text);
    if (texts.length) doc.notes[key] = [...(doc.notes[key] ?? []), ...texts];
  }

  problems.sort((a, b) => a.line - b.line);
  return doc;
}
