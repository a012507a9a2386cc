import { sandboxBacklogConfig } from './backlogConfig';
import { loadServices } from './services';

describe('sandboxBacklogConfig', () => {
  it('gives each service its event stream and its queues, one stream per region', () => {
    const lanes = ['us', 'eu'].flatMap(region => [
      {
        region,
        queue: 'content-builder-queue-depth',
        container: 'content-builder',
        stream: `content-builder-queue-depth-${region}`,
        consumer: 'content-builder-worker',
        itemsPerMessage: 3,
      },
      {
        region,
        queue: 'authoring-worker-outbox-backlog',
        container: 'authoring-worker',
        stream: `authoring-worker-outbox-backlog-${region}`,
        consumer: 'authoring-worker-worker',
        itemsPerMessage: 450,
      },
    ]);
    expect(sandboxBacklogConfig(loadServices(), lanes)).toEqual({
      'authoring-service': {
        streams: [
          { stream: 'AUTHORING_EVENTS' },
          {
            stream: 'authoring-worker-outbox-backlog-{region}',
            regions: ['us', 'eu'],
            consumers: [
              {
                name: 'authoring-worker-worker',
                container: 'authoring-worker',
                itemsPerMessage: 450,
              },
            ],
          },
        ],
      },
      'content-service': {
        streams: [
          { stream: 'CONTENT_EVENTS' },
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
        ],
      },
    });
  });
});
