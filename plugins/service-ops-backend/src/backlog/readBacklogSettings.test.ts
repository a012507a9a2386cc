import { ConfigReader } from '@backstage/config';
import { readBacklogSettings } from './readBacklogSettings';

const read = (serviceOps: object) =>
  readBacklogSettings(new ConfigReader({ serviceOps }));

describe('readBacklogSettings', () => {
  it('has defaults and no NATS when nothing is configured', () => {
    expect(read({})).toEqual({
      intervalSeconds: 10,
      retentionDays: 7,
      services: {},
      sagas: {
        consumerName: 'service-ops-saga-projector',
        ackWaitSeconds: 30,
        deadlines: {
          built: 900,
          courseVersionPublished: 600,
          compensated: 600,
        },
      },
    });
  });

  it('reads one server or a list, a token, TLS files and a name', () => {
    expect(read({ nats: { servers: 'nats://a:4222' } }).nats).toEqual({
      servers: ['nats://a:4222'],
      name: 'backstage-service-ops',
    });
    expect(
      read({
        nats: {
          servers: ['nats://a:4222', 'nats://b:4222'],
          token: 's3cret',
          tls: { caFile: '/ca.pem' },
          name: 'portal',
        },
      }).nats,
    ).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      token: 's3cret',
      tls: { caFile: '/ca.pem' },
      name: 'portal',
    });
  });

  it('expands a {region} stream into one stream per region', () => {
    const settings = read({
      backlog: {
        intervalSeconds: 5,
        services: {
          'content-service': {
            streams: [
              {
                stream: 'content-builder-queue-depth-{region}',
                regions: ['us', 'eu'],
                consumers: [
                  {
                    name: 'content-builder-worker',
                    container: 'content-builder',
                    itemsPerMessage: 3,
                  },
                ],
              },
              { stream: 'CONTENT_EVENTS' },
            ],
          },
        },
      },
    });
    expect(settings.intervalSeconds).toBe(5);
    const consumer = {
      name: 'content-builder-worker',
      container: 'content-builder',
      itemsPerMessage: 3,
    };
    expect(settings.services['content-service']).toEqual([
      {
        stream: 'content-builder-queue-depth-us',
        region: 'us',
        consumers: [consumer],
      },
      {
        stream: 'content-builder-queue-depth-eu',
        region: 'eu',
        consumers: [consumer],
      },
      { stream: 'CONTENT_EVENTS', consumers: [] },
    ]);
  });

  it('names every wrong key', () => {
    expect(() =>
      read({
        nats: { servers: 'nats://a', token: 't', credsFile: '/x.creds' },
      }),
    ).toThrow('serviceOps.nats: set either token or credsFile, not both');
    expect(() =>
      read({
        backlog: {
          services: {
            s: {
              streams: [{ stream: 'q-{region}', consumers: [{ name: 'a.b' }] }],
            },
          },
        },
      }),
    ).toThrow(
      /serviceOps\.backlog\.services\.s\.streams\.0\.consumers\.0\.name: a consumer name may not contain.*serviceOps\.backlog\.services\.s\.streams\.0: a stream named with \{region\} needs regions/,
    );
    expect(() => read({ sagas: { stuckAfterSeconds: { built: -1 } } })).toThrow(
      'serviceOps.sagas.stuckAfterSeconds.built',
    );
    expect(() => read({ backlog: { intervalSecs: 5 } })).toThrow(
      'serviceOps.backlog',
    );
  });
});
