import type { SagaDeadlines } from '@internal/backstage-plugin-service-ops-common';

/** How the backend reaches NATS (`serviceOps.nats`). */
export interface NatsSettings {
  servers: string[];
  /** The connection's name, as the server's `/connz` lists it. */
  name: string;
  token?: string;
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/** A threshold written in the app-config instead of read from the declared model. */
export interface ConfiguredThreshold {
  value: number;
  per: 'pod' | 'total';
  /** Where the number comes from, in words. */
  source?: string;
}

export interface ConfiguredConsumer {
  /** The durable consumer's name. */
  name: string;
  /** The container whose workers drain it; its KEDA trigger is the threshold. */
  container?: string;
  /** Which of the container's triggers, when it has several (its metric key). */
  metric?: string;
  threshold?: ConfiguredThreshold;
  /** How many work items one message stands for; 1 in production. */
  itemsPerMessage: number;
}

export interface ConfiguredStream {
  stream: string;
  region?: string;
  consumers: ConfiguredConsumer[];
}

export interface SagaSettings {
  /** Base name of the projection's durable consumers (one per saga subject). */
  consumerName: string;
  deadlines: SagaDeadlines;
  /** Seconds before an unacked event is delivered again. */
  ackWaitSeconds: number;
}

/** Everything `serviceOps.nats`, `serviceOps.backlog` and `serviceOps.sagas` configure. */
export interface BacklogSettings {
  /** Absent when NATS is not configured. */
  nats?: NatsSettings;
  intervalSeconds: number;
  retentionDays: number;
  /** Streams per service (entity name), with `{region}` templates expanded. */
  services: Record<string, ConfiguredStream[]>;
  sagas: SagaSettings;
}
