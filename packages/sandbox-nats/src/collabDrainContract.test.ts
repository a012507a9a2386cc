import {
  collabDrainCancelSubject,
  collabDrainSubject,
  parseCollabDrainCancelRequest,
  parseCollabDrainRequest,
} from './collabDrainContract';

const ADDRESS = { region: 'eu', pod: 'authoring-collab-7c9f-abcde' };
const VALID = {
  operationId: 'op-1',
  region: 'eu',
  pod: 'authoring-collab-7c9f-abcde',
  deadline: '2026-11-22T12:05:00Z',
  reason: 'roll onto the patched image',
};
const without = (field: keyof typeof VALID) => {
  const { [field]: _dropped, ...rest } = VALID;
  return JSON.stringify(rest);
};
const withValue = (field: keyof typeof VALID, value: unknown) =>
  JSON.stringify({ ...VALID, [field]: value });

describe('the collab drain contract', () => {
  it('names the subjects per region and pod', () => {
    expect(collabDrainSubject('us', 'p-1')).toBe(
      'authoring.collab.v1.us.p-1.drain',
    );
    expect(collabDrainCancelSubject('us', 'p-1')).toBe(
      'authoring.collab.v1.us.p-1.drain-cancel',
    );
  });

  it('reads a notice: the deadline as epoch ms, an empty reason allowed, extra fields ignored', () => {
    expect(
      parseCollabDrainRequest(
        JSON.stringify({ ...VALID, reason: '', extra: true }),
        ADDRESS,
      ),
    ).toEqual({
      ok: true,
      value: {
        operationId: 'op-1',
        pod: 'authoring-collab-7c9f-abcde',
        deadline: Date.UTC(2026, 10, 22, 12, 5, 0),
        reason: '',
      },
    });
    expect(
      parseCollabDrainRequest(
        withValue('deadline', '2026-11-22T13:05:00.250+01:00'),
        ADDRESS,
      ),
    ).toMatchObject({
      ok: true,
      value: { deadline: Date.UTC(2026, 10, 22, 12, 5, 0, 250) },
    });
  });

  it.each([
    ['not JSON', '{"operationId": ', /the payload is not JSON/],
    ['an array', '[]', /the payload must be a JSON object/],
    ['null', 'null', /the payload must be a JSON object/],
    ['no operationId', without('operationId'), /^operationId is required$/],
    [
      'an empty operationId',
      withValue('operationId', ' '),
      /operationId must be a non-empty string/,
    ],
    ['no region', without('region'), /^region is required$/],
    [
      'another region',
      withValue('region', 'us'),
      /region "us" does not match the subject's region "eu"/,
    ],
    ['no pod', without('pod'), /^pod is required$/],
    [
      'another pod',
      withValue('pod', 'authoring-collab-x'),
      /pod "authoring-collab-x" does not match/,
    ],
    ['no deadline', without('deadline'), /^deadline is required$/],
    [
      'a numeric deadline',
      withValue('deadline', 1764000000000),
      /deadline must be a non-empty string, got 1764000000000/,
    ],
    [
      'a deadline without a zone',
      withValue('deadline', '2026-11-22T12:05:00'),
      /deadline must be an ISO-8601 date-time/,
    ],
    [
      'a deadline in words',
      withValue('deadline', 'in five minutes'),
      /deadline must be an ISO-8601 date-time/,
    ],
    [
      'an impossible date',
      withValue('deadline', '2026-13-45T12:05:00Z'),
      /deadline must be an ISO-8601 date-time/,
    ],
    ['no reason', without('reason'), /^reason is required$/],
    [
      'a reason that is not text',
      withValue('reason', 5),
      /reason must be a string/,
    ],
  ])('refuses %s, naming the problem', (_name, data, message) => {
    const parsed = parseCollabDrainRequest(data, ADDRESS);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });

  it('names every problem of a request at once', () => {
    const parsed = parseCollabDrainRequest('{"pod": "elsewhere"}', ADDRESS);
    expect(!parsed.ok && parsed.message.split('; ')).toEqual([
      'operationId is required',
      'region is required',
      'deadline is required',
      'reason is required',
      `pod "elsewhere" does not match the subject's pod "authoring-collab-7c9f-abcde"`,
    ]);
  });

  it('reads a cancel, and refuses one without an operation or for another pod', () => {
    const cancel = { operationId: 'op-1', pod: ADDRESS.pod };
    expect(
      parseCollabDrainCancelRequest(JSON.stringify(cancel), ADDRESS),
    ).toEqual({ ok: true, value: cancel });
    expect(
      parseCollabDrainCancelRequest(
        JSON.stringify({ pod: ADDRESS.pod }),
        ADDRESS,
      ),
    ).toEqual({ ok: false, message: 'operationId is required' });
    expect(
      parseCollabDrainCancelRequest(
        JSON.stringify({ ...cancel, pod: 'other' }),
        ADDRESS,
      ),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^pod "other" does not match/),
    });
  });
});
