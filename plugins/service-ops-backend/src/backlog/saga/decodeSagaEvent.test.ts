import { decodeAdvisory } from '../decodeAdvisory';
import { decodeSagaEvent } from './decodeSagaEvent';

const draft = {
  eventId: 'e1',
  occurredAt: '2026-11-23T10:00:00.000Z',
  tenantId: 'tenant-eu-1',
  draftId: 'd1',
  courseId: 'c1',
  courseVersion: '3',
  homeRegion: 'eu',
  publishId: 'p1',
};
const decode = (subject: string, body: unknown) =>
  decodeSagaEvent({
    subject,
    data: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('decodeSagaEvent', () => {
  it('reads the draft published, keyed by publishId, with the home region', () => {
    expect(decode('authoring.course_draft.published.v1', draft)).toEqual({
      kind: 'event',
      event: {
        instanceId: 'p1',
        step: 'draft-published',
        subject: 'authoring.course_draft.published.v1',
        occurredAt: Date.parse('2026-11-23T10:00:00.000Z'),
        eventId: 'e1',
        tenantId: 'tenant-eu-1',
        draftId: 'd1',
        courseId: 'c1',
        courseVersion: '3',
        region: 'eu',
      },
    });
  });

  it('reads a failed build with its reason', () => {
    const { homeRegion: _r, draftId: _d, ...rest } = draft;
    const decoded = decode('content.play_package.build_failed.v1', {
      ...rest,
      reason: 'asset missing',
    });
    expect(decoded).toMatchObject({
      kind: 'event',
      event: { step: 'build-failed', reason: 'asset missing' },
    });
  });

  it.each([
    [
      'truncated JSON',
      'authoring.course_draft.published.v1',
      '{"publishId":"p1",',
      /^not JSON: /,
    ],
    [
      'an array',
      'catalog.course_version.published.v1',
      '[1]',
      /^the payload is not a JSON object$/,
    ],
    [
      'no publishId',
      'content.play_package.built.v1',
      { ...draft, publishId: undefined },
      /publishId \(the saga's correlation id\) is missing/,
    ],
    [
      'no draftId on the draft',
      'authoring.course_draft.published.v1',
      { ...draft, draftId: undefined },
      /draftId is missing/,
    ],
    [
      'a bad occurredAt',
      'catalog.course_version.published.v1',
      { ...draft, occurredAt: 'yesterday' },
      /occurredAt is missing or not an ISO 8601 time/,
    ],
    [
      'an unknown subject',
      'content.play_package.bundle.published.v1',
      draft,
      /is not a publish-saga subject/,
    ],
  ])('calls %s malformed and says why', (_what, subject, body, reason) => {
    const decoded = decode(subject, body);
    expect(decoded.kind).toBe('malformed');
    expect(decoded.kind === 'malformed' && decoded.reason).toMatch(reason);
  });
});

describe('decodeAdvisory', () => {
  const maxDeliveries = {
    type: 'io.nats.jetstream.advisory.v1.max_deliver',
    id: 'x',
    timestamp: '2026-11-23T10:00:00.5Z',
    stream: 'content-builder-queue-depth-eu',
    consumer: 'content-builder-worker',
    stream_seq: 42,
    deliveries: 5,
  };

  it('reads MAX_DELIVERIES and MSG_TERMINATED advisories', () => {
    expect(
      decodeAdvisory({
        subject: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${maxDeliveries.stream}.${maxDeliveries.consumer}`,
        data: JSON.stringify(maxDeliveries),
      }),
    ).toEqual({
      kind: 'max-deliveries',
      stream: 'content-builder-queue-depth-eu',
      consumer: 'content-builder-worker',
      streamSeq: 42,
      deliveries: 5,
      at: Date.parse('2026-11-23T10:00:00.5Z'),
    });
    expect(
      decodeAdvisory({
        subject: '$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.s.c',
        data: JSON.stringify({
          ...maxDeliveries,
          deliveries: 1,
          reason: 'bad input',
        }),
      }),
    ).toMatchObject({ kind: 'terminated', deliveries: 1, reason: 'bad input' });
  });

  it('ignores other advisories and bodies it cannot read', () => {
    const data = JSON.stringify(maxDeliveries);
    expect(
      decodeAdvisory({ subject: '$JS.EVENT.ADVISORY.API', data }),
    ).toBeUndefined();
    expect(
      decodeAdvisory({
        subject: '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.s.c',
        data: '{',
      }),
    ).toBeUndefined();
  });
});
