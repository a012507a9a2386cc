import type { ServiceModel } from './services';

/** A work queue as the sandbox traffic runs it in one region (`NatsTraffic.topology()`). */
export interface WorkQueueLane {
  region: string;
  queue: string;
  /** The container that works the queue off (LoadModel's QUEUES). */
  container: string;
  stream: string;
  consumer: string;
  itemsPerMessage: number;
}

/** The event stream each service publishes to, as the sandbox traffic creates them. */
const EVENT_STREAMS: Record<string, string> = {
  'authoring-service': 'AUTHORING_EVENTS',
  'content-service': 'CONTENT_EVENTS',
};

/**
 * The backend's `serviceOps.backlog.services` for the sandbox: per service its event
 * stream and, per queue, one stream per region (`<queue>-{region}`) whose consumer is the
 * container's worker, weighted as the traffic weights its messages.
 */
export function sandboxBacklogConfig(
  services: ServiceModel[],
  lanes: WorkQueueLane[],
) {
  const serviceOf = (container: string) =>
    services.find(s => s.document.containers.some(c => c.name === container));
  const result: Record<string, { streams: object[] }> = {};
  for (const service of services) {
    result[service.name] = {
      streams: EVENT_STREAMS[service.name]
        ? [{ stream: EVENT_STREAMS[service.name] }]
        : [],
    };
  }
  for (const queue of [...new Set(lanes.map(l => l.queue))]) {
    const inQueue = lanes.filter(l => l.queue === queue);
    const container = inQueue[0].container;
    const service = serviceOf(container);
    if (!service) continue;
    result[service.name].streams.push({
      stream: `${queue}-{region}`,
      regions: inQueue.map(l => l.region),
      consumers: [
        {
          name: inQueue[0].consumer,
          container,
          itemsPerMessage: inQueue[0].itemsPerMessage,
        },
      ],
    });
  }
  return result;
}
