import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { EntitySnapshot } from '@internal/backstage-plugin-service-ops-common';

interface SerialisedContent {
  containers: string;
  drift: string;
}

/** The end of a snapshot's JSON from its containers on, as text and compressed. */
interface CompressedTail {
  /** UTF-8 of `,"containers":…,"drift":…}`. */
  bytes: Buffer;
  /** The same as a raw DEFLATE stream of its own, final block included. */
  deflated: Buffer;
}

// A snapshot served from the live state's cache shares its containers and drift with
// every other read until a cluster changes: they are serialised, and compressed, once.
const serialised = new WeakMap<object, SerialisedContent>();
const compressed = new WeakMap<object, CompressedTail>();

/** The JSON of a snapshot's containers and drift, computed once per assembly. */
export function snapshotContentJson(
  snapshot: EntitySnapshot,
): SerialisedContent {
  let content = serialised.get(snapshot.containers);
  if (!content) {
    content = {
      containers: JSON.stringify(snapshot.containers),
      drift: JSON.stringify(snapshot.drift),
    };
    serialised.set(snapshot.containers, content);
  }
  return content;
}

/** `{"entityRef":…,"generatedAt":…,"clusters":…` (what changes from read to read). */
function headJson(snapshot: EntitySnapshot): string {
  const head = JSON.stringify({
    entityRef: snapshot.entityRef,
    generatedAt: snapshot.generatedAt,
    clusters: snapshot.clusters,
  });
  return head.slice(0, -1);
}

function tailJson(snapshot: EntitySnapshot): string {
  const { containers, drift } = snapshotContentJson(snapshot);
  return `,"containers":${containers},"drift":${drift}}`;
}

/** The snapshot as JSON, as `JSON.stringify` would write it, reusing the shared parts. */
export function snapshotJson(snapshot: EntitySnapshot): string {
  return `${headJson(snapshot)}${tailJson(snapshot)}`;
}

const GZIP_HEADER = Buffer.from([
  0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
]);

/**
 * The snapshot's JSON (`snapshotJson`) gzipped, compressing only what changed since the
 * assembly: the head (time and clusters' state, a few hundred bytes) is deflated per read
 * and ends in a full flush (byte-aligned, no reference into what follows), the tail (the
 * containers and drift, the megabytes) was deflated once as a stream of its own; one
 * DEFLATE stream may be made of both. The trailer's CRC-32 runs over all the bytes.
 * For 4,000 pods this replaces compressing 1.5 MiB per read with a CRC of it.
 */
export function snapshotGzip(snapshot: EntitySnapshot): Buffer {
  let tail = compressed.get(snapshot.containers);
  if (!tail) {
    const bytes = Buffer.from(tailJson(snapshot));
    tail = { bytes, deflated: deflateRawSync(bytes) };
    compressed.set(snapshot.containers, tail);
  }
  const head = Buffer.from(headJson(snapshot));
  const deflatedHead = deflateRawSync(head, {
    finishFlush: constants.Z_FULL_FLUSH,
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tail.bytes, crc32(head)), 0);
  trailer.writeUInt32LE((head.length + tail.bytes.length) % 2 ** 32, 4);
  return Buffer.concat([GZIP_HEADER, deflatedHead, tail.deflated, trailer]);
}
