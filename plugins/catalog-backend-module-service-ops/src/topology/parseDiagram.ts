import { DiagramEdge } from './types';

type Direction = 'up' | 'down' | 'left' | 'right';

interface Connector {
  ports: Direction[];
  /** The port an arrowhead points out of. */
  head?: Direction;
}

// Box-drawing characters and arrowheads, with the sides they connect on.
const CONNECTORS: Record<string, Connector> = {
  '─': { ports: ['left', 'right'] },
  '━': { ports: ['left', 'right'] },
  '│': { ports: ['up', 'down'] },
  '┃': { ports: ['up', 'down'] },
  '├': { ports: ['up', 'down', 'right'] },
  '┤': { ports: ['up', 'down', 'left'] },
  '└': { ports: ['up', 'right'] },
  '┘': { ports: ['up', 'left'] },
  '┌': { ports: ['down', 'right'] },
  '┐': { ports: ['down', 'left'] },
  '┬': { ports: ['left', 'right', 'down'] },
  '┴': { ports: ['left', 'right', 'up'] },
  '┼': { ports: ['left', 'right', 'up', 'down'] },
  '▶': { ports: ['left', 'right'], head: 'right' },
  '►': { ports: ['left', 'right'], head: 'right' },
  '◀': { ports: ['left', 'right'], head: 'left' },
  '◄': { ports: ['left', 'right'], head: 'left' },
  '▲': { ports: ['up', 'down'], head: 'up' },
  '▼': { ports: ['up', 'down'], head: 'down' },
};

const OPPOSITE: Record<Direction, Direction> = {
  up: 'down',
  down: 'up',
  left: 'right',
  right: 'left',
};

interface Label {
  id: number;
  row: number;
  start: number;
  end: number;
  text: string;
}

interface Attachment {
  net: number;
  label: Label;
  /** The side of the label the connector touches. */
  side: Direction;
  /** Whether an arrowhead points at the label. */
  head: boolean;
}

class UnionFind {
  private readonly parent = new Map<number, number>();
  find(x: number): number {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) {
      root = this.parent.get(root)!;
    }
    this.parent.set(x, root);
    return root;
  }
  union(a: number, b: number) {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

function isConnector(ch: string | undefined): boolean {
  return ch !== undefined && ch in CONNECTORS;
}

/** A label is a run of text on one row; single spaces join words, two end it. */
function findLabels(rows: string[]): Label[] {
  const labels: Label[] = [];
  rows.forEach((row, r) => {
    let c = 0;
    while (c < row.length) {
      if (row[c] === ' ' || isConnector(row[c])) {
        c++;
        continue;
      }
      const start = c;
      let end = c;
      while (c < row.length) {
        if (row[c] !== ' ' && !isConnector(row[c])) {
          end = c;
          c++;
        } else if (
          row[c] === ' ' &&
          row[c + 1] !== undefined &&
          row[c + 1] !== ' ' &&
          !isConnector(row[c + 1])
        ) {
          c++;
        } else {
          break;
        }
      }
      labels.push({
        id: labels.length,
        row: r,
        start,
        end,
        text: row.slice(start, end + 1),
      });
    }
  });
  return labels;
}

/**
 * The names a diagram label stands for: parenthetical notes dropped and
 * `S3 (bundles) + KMS` split into `S3` and `KMS`.
 */
export function labelNames(text: string): string[] {
  return text
    .replace(/\([^)]*\)/g, ' ')
    .split(/\s\+\s/)
    .map(name => name.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/**
 * Reads the directed edges out of an ASCII/box-drawing diagram, as the topology
 * documents draw them: nodes are text labels, connectors are box-drawing lines, and
 * arrowheads (▶ ◀ ▲ ▼) point at the receiving node. A label that a line passes
 * through (`─ HTTPS ─▶`) names the connection rather than being a node.
 *
 * @param text - the diagram, one row per line
 * @param firstLine - the document line of the diagram's first row (1-based)
 */
export function parseDiagram(text: string, firstLine: number): DiagramEdge[] {
  const rows = text.replace(/\t/g, '    ').split('\n');
  const labels = findLabels(rows);
  const labelAt = (r: number, c: number) =>
    labels.find(l => l.row === r && l.start <= c && c <= l.end);
  const cellId = (r: number, c: number) => r * 100_000 + c;
  const nets = new UnionFind();
  const attachments: Attachment[] = [];
  const connectorCells: Array<[number, number]> = [];

  rows.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      if (isConnector(row[c])) connectorCells.push([r, c]);
    }
  });

  const step: Record<Direction, [number, number]> = {
    up: [-1, 0],
    down: [1, 0],
    left: [0, -1],
    right: [0, 1],
  };

  for (const [r, c] of connectorCells) {
    const connector = CONNECTORS[rows[r][c]];
    for (const port of connector.ports) {
      const [dr, dc] = step[port];
      const nr = r + dr;
      const nc = c + dc;
      const neighbour = rows[nr]?.[nc];
      if (
        isConnector(neighbour) &&
        CONNECTORS[neighbour!].ports.includes(OPPOSITE[port])
      ) {
        nets.union(cellId(r, c), cellId(nr, nc));
        continue;
      }
      let label = labelAt(nr, nc);
      // Horizontal connectors may leave one space before the label they touch.
      if (!label && neighbour === ' ' && dr === 0) {
        label = labelAt(nr, nc + dc);
      }
      if (label) {
        attachments.push({
          net: cellId(r, c),
          label,
          side: OPPOSITE[port],
          head: connector.head === port,
        });
      }
    }
  }

  // Labels a line passes straight through are connection names: join the two sides.
  const via = new Map<number, string[]>();
  const passThrough = new Set<number>();
  for (const label of labels) {
    const own = attachments.filter(a => a.label === label);
    const sides = new Set(own.map(a => a.side));
    const straight =
      (sides.has('left') && sides.has('right')) ||
      (sides.has('up') && sides.has('down'));
    if (own.length === 2 && straight && own.every(a => !a.head)) {
      passThrough.add(label.id);
      nets.union(own[0].net, own[1].net);
    }
  }
  for (const label of labels) {
    if (!passThrough.has(label.id)) continue;
    const net = nets.find(attachments.find(a => a.label === label)!.net);
    via.set(net, [...(via.get(net) ?? []), label.text]);
  }

  const byNet = new Map<number, Attachment[]>();
  for (const attachment of attachments) {
    if (passThrough.has(attachment.label.id)) continue;
    const net = nets.find(attachment.net);
    byNet.set(net, [...(byNet.get(net) ?? []), attachment]);
  }

  const edges: DiagramEdge[] = [];
  const seen = new Set<string>();
  const add = (from: Label, to: Label, net: number, bidirectional: boolean) => {
    if (from.id === to.id) return;
    for (const fromName of labelNames(from.text)) {
      for (const toName of labelNames(to.text)) {
        const key = `${fromName}\u0000${toName}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const edge: DiagramEdge = {
          from: fromName,
          to: toName,
          bidirectional,
          line: firstLine + to.row,
        };
        const names = via.get(net);
        if (names) edge.via = names.join(' ');
        edges.push(edge);
      }
    }
  };

  for (const [net, ends] of byNet) {
    const unique = (list: Attachment[]) => [
      ...new Map(list.map(a => [a.label.id, a.label])).values(),
    ];
    const sources = unique(ends.filter(a => !a.head));
    const targets = unique(ends.filter(a => a.head));
    if (sources.length > 0 && targets.length > 0) {
      for (const source of sources) {
        for (const target of targets) add(source, target, net, false);
      }
    } else {
      // No direction (all arrowheads or none): every pair is linked both ways.
      const all = unique(ends);
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) add(all[i], all[j], net, true);
      }
    }
  }
  return edges.sort((a, b) => a.line - b.line);
}
