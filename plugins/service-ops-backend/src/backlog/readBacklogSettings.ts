import { z } from 'zod';
import { Config } from '@backstage/config';
import { DEFAULT_SAGA_DEADLINES } from '@internal/backstage-plugin-service-ops-common';
import { BacklogSettings, ConfiguredStream, NatsSettings } from './types';

const REGION = '{region}';
/** A JetStream stream or consumer name: no whitespace, `.`, `*`, `>`, path separators. */
const NAME = /^[^\s.*>/\\]+$/;

const name = (what: string) =>
  z.string().regex(NAME, `${what} may not contain spaces, '.', '*', '>'`);

const natsSchema = z
  .object({
    servers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    token: z.string().min(1).optional(),
    credsFile: z.string().min(1).optional(),
    tls: z
      .object({
        caFile: z.string().optional(),
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
      })
      .strict()
      .optional(),
    name: z.string().min(1).default('backstage-service-ops'),
  })
  .strict()
  .refine(n => !(n.token && n.credsFile), {
    message: 'set either token or credsFile, not both',
  });

const consumerSchema = z
  .object({
    name: name('a consumer name'),
    container: z.string().min(1).optional(),
    metric: z.string().min(1).optional(),
    threshold: z
      .object({
        value: z.number().nonnegative(),
        per: z.enum(['pod', 'total']),
        source: z.string().optional(),
      })
      .strict()
      .optional(),
    itemsPerMessage: z.number().int().positive().default(1),
  })
  .strict();

const streamSchema = z
  .object({
    stream: z.string().min(1),
    region: z.string().min(1).optional(),
    regions: z.array(z.string().min(1)).min(1).optional(),
    consumers: z.array(consumerSchema).default([]),
  })
  .strict()
  .refine(s => !(s.region && s.regions), {
    message: 'set either region or regions, not both',
  })
  .refine(s => s.stream.includes(REGION) === Boolean(s.regions), {
    message: `a stream named with ${REGION} needs regions, and regions need ${REGION} in the stream name`,
  });

const positive = z.number().positive();

const backlogSchema = z
  .object({
    intervalSeconds: positive.default(10),
    retentionDays: positive.default(7),
    services: z
      .record(z.string(), z.object({ streams: z.array(streamSchema) }).strict())
      .default({}),
  })
  .strict();

const sagasSchema = z
  .object({
    consumerName: name('consumerName').default('service-ops-saga-projector'),
    ackWaitSeconds: positive.default(30),
    stuckAfterSeconds: z
      .object({
        built: positive.default(DEFAULT_SAGA_DEADLINES.built),
        courseVersionPublished: positive.default(
          DEFAULT_SAGA_DEADLINES.courseVersionPublished,
        ),
        compensated: positive.default(DEFAULT_SAGA_DEADLINES.compensated),
      })
      .strict()
      .default(DEFAULT_SAGA_DEADLINES),
  })
  .strict();

function parseAt<T extends z.ZodType>(
  schema: T,
  key: string,
  value: unknown,
): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(issue =>
    [key, ...issue.path.map(String)].join('.').concat(`: ${issue.message}`),
  );
  throw new Error(`invalid app-config: ${issues.join('; ')}`);
}

function expandStreams(
  streams: z.output<typeof streamSchema>[],
): ConfiguredStream[] {
  return streams.flatMap(({ stream, region, regions, consumers }) =>
    regions
      ? regions.map(r => ({
          stream: stream.replaceAll(REGION, r),
          region: r,
          consumers,
        }))
      : [{ stream, ...(region ? { region } : {}), consumers }],
  );
}

function readNats(config: Config): NatsSettings | undefined {
  const value = config.getOptional('serviceOps.nats');
  if (value === undefined) return undefined;
  const { servers, ...rest } = parseAt(natsSchema, 'serviceOps.nats', value);
  return {
    servers: typeof servers === 'string' ? [servers] : servers,
    ...rest,
  };
}

/**
 * Reads `serviceOps.nats`, `serviceOps.backlog` and `serviceOps.sagas`, with their
 * defaults; expands a stream named with `{region}` into one stream per listed region.
 *
 * @throws Error naming every key that is wrong
 */
export function readBacklogSettings(config: Config): BacklogSettings {
  const backlog = parseAt(
    backlogSchema,
    'serviceOps.backlog',
    config.getOptional('serviceOps.backlog'),
  );
  const sagas = parseAt(
    sagasSchema,
    'serviceOps.sagas',
    config.getOptional('serviceOps.sagas'),
  );
  const services = Object.fromEntries(
    Object.entries(backlog.services).map(([service, { streams }]) => [
      service,
      expandStreams(streams),
    ]),
  );
  const nats = readNats(config);
  return {
    ...(nats ? { nats } : {}),
    intervalSeconds: backlog.intervalSeconds,
    retentionDays: backlog.retentionDays,
    services,
    sagas: {
      consumerName: sagas.consumerName,
      ackWaitSeconds: sagas.ackWaitSeconds,
      deadlines: sagas.stuckAfterSeconds,
    },
  };
}
