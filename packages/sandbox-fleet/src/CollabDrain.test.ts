import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { findType, ManualClock } from '@internal/k8s-emulator';
import { parseQuantity } from '@internal/backstage-plugin-service-ops-common';
import {
  collabDrainCancelSubject,
  collabDrainSubject,
  NatsTestClient,
  NatsTraffic,
  startNatsServer,
  TestNatsServer,
} from '@internal/sandbox-nats';
import {
  CollabDrainResponder,
  findRepoRoot,
  Fleet,
  FleetCluster,
} from './index';
import { QUEUES } from './LoadModel';

// 12:00 in eu (UTC+1): the collab pods carry the middle of the day.
const NOON_EU = Date.UTC(2026, 10, 22, 11, 0, 0);
const MINUTE = 60_000;
const METRICS =
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/authoring/pods/*/active_ws_connections?labelSelector=app%3Dauthoring-collab';

/** The AsyncAPI definition of the catalog's API entity `authoring-collab-drain`. */
const ASYNCAPI = parse(
  parse(
    fs.readFileSync(
      path.join(findRepoRoot(__dirname), 'catalog/authoring-collab-drain.yaml'),
      'utf8',
    ),
  ).spec.definition,
);

/**
 * The problems of `value` against a schema of the definition's components (objects with
 * required and known properties, types, const, enum, allOf, $ref): [] when it conforms.
 */
function conformance(value: any, schema: any, at = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return conformance(value, ASYNCAPI.components.schemas[name], at);
  }
  const problems: string[] = (schema.allOf ?? []).flatMap((part: any) =>
    conformance(value, part, at),
  );
  const type = Number.isInteger(value) ? 'integer' : typeof value;
  if (
    schema.type &&
    !(schema.type === type || (schema.type === 'number' && type === 'integer'))
  )
    problems.push(`${at} is ${type}, not ${schema.type}`);
  if ('const' in schema && value !== schema.const)
    problems.push(`${at} is ${JSON.stringify(value)}, not ${schema.const}`);
  if (schema.enum && !schema.enum.includes(value))
    problems.push(
      `${at} ${JSON.stringify(value)} is not one of ${schema.enum}`,
    );
  if (schema.type === 'object' && value && typeof value === 'object') {
    for (const key of schema.required ?? [])
      if (!(key in value)) problems.push(`${at}.${key} is missing`);
    for (const [key, item] of Object.entries(value)) {
      const property = schema.properties?.[key];
      if (!property) problems.push(`${at}.${key} is not in the schema`);
      else problems.push(...conformance(item, property, `${at}.${key}`));
    }
  } else if (schema.properties && value && typeof value === 'object') {
    for (const [key, property] of Object.entries(schema.properties))
      if (key in value)
        problems.push(...conformance(value[key], property, `${at}.${key}`));
  }
  return problems;
}

const schema = (name: string) => ({
  $ref: `#/components/schemas/${name}`,
});

describe('the collab drain, over NATS, against the fleet', () => {
  jest.setTimeout(120_000);
  let server: TestNatsServer;
  let client: NatsTestClient;
  let responder: CollabDrainResponder;
  let traffic: NatsTraffic;
  let fleet: Fleet;
  let clock: ManualClock;
  let eu: FleetCluster;
  let operation = 0;

  const api = async (resource: string, init: RequestInit = {}) => {
    const res = await fetch(`${eu.url}${resource}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${fleet.token}`,
        'Content-Type': 'application/json',
      },
    });
    return { status: res.status, body: await res.json() };
  };
  /** What the portal reads: the pods' metric on custom.metrics.k8s.io, by pod. */
  const metric = async (): Promise<Record<string, number>> => {
    const { status, body } = await api(METRICS);
    expect(status).toBe(200);
    return Object.fromEntries(
      body.items.map((i: any) => [
        i.describedObject.name,
        parseQuantity(i.value).value,
      ]),
    );
  };
  const sum = (values: Record<string, number>) =>
    Object.values(values).reduce((a, b) => a + b, 0);
  /** The region's connections by the load model's day, before any pod gets its share. */
  const regionTotal = () =>
    Math.round(eu.load.metricTotal('authoring-collab', clock.now())!);
  const readyPods = () =>
    eu.collab
      .distribution()
      .filter(p => p.ready)
      .map(p => p.pod);
  const notice = (pod: string, overrides: Record<string, unknown> = {}) => ({
    operationId: `op-${++operation}`,
    region: 'eu',
    pod,
    deadline: new Date(Date.now() + 5 * MINUTE).toISOString(),
    reason: 'roll onto the patched image',
    ...overrides,
  });
  /** Every reply is checked against the catalog's AsyncAPI definition. */
  const drain = async (pod: string, body: unknown) => {
    const reply = await client.request(collabDrainSubject('eu', pod), body);
    const name = reply.accepted ? 'DrainAccepted' : 'DrainRefused';
    expect(conformance(reply, schema(name))).toEqual([]);
    return reply;
  };
  const cancel = async (pod: string, operationId: string) => {
    const reply = await client.request(collabDrainCancelSubject('eu', pod), {
      operationId,
      pod,
    });
    const name = reply.error ? 'DrainCancelRefused' : 'DrainCancelled';
    expect(conformance(reply, schema(name))).toEqual([]);
    return reply;
  };

  beforeAll(async () => {
    server = await startNatsServer();
    clock = new ManualClock(NOON_EU);
    fleet = await Fleet.start({ clock, seed: 42, insecure: true });
    eu = fleet.clusters.find(c => c.region === 'eu')!;
    // Pods start and become Ready; the HPA scales authoring-collab for the midday load.
    for (let s = 0; s < 180; s += 5) {
      clock.advance(5_000);
      eu.cluster.step();
    }
    // The sandbox's streams, as `make start` keeps them: none may answer a drain request.
    traffic = await NatsTraffic.start({
      servers: server.url,
      clock,
      acceleration: 1,
      regions: fleet.clusters.map(c => c.load),
      queues: Object.entries(QUEUES).map(([name, queue]) => ({
        name,
        container: queue.container,
        peakArrival: queue.arrival,
      })),
    });
    responder = await CollabDrainResponder.start({
      servers: server.url,
      regions: fleet.clusters.map(c => c.collab),
    });
    client = await NatsTestClient.connect(server.url);
  });

  afterAll(async () => {
    await client?.close();
    await responder?.stop();
    await traffic?.stop();
    await fleet?.stop();
    await server?.stop();
  });

  it('accepts a notice with the pod’s sessions; its metric falls to 0 by the deadline while the region’s total holds', async () => {
    const pods = readyPods();
    expect(pods.length).toBeGreaterThanOrEqual(3);
    const before = await metric();
    expect(Object.keys(before).sort()).toEqual(pods);
    expect(sum(before)).toBe(regionTotal());
    const [pod] = pods;
    const body = notice(pod);
    const reply = await drain(pod, body);
    expect(reply).toEqual({
      pod,
      accepted: true,
      sessions: expect.any(Number),
      deadline: body.deadline,
    });
    expect(Math.abs(reply.sessions - before[pod])).toBeLessThanOrEqual(1);

    const seen: number[] = [];
    for (let step = 0; step < 10; step++) {
      clock.advance(30_000);
      const now = await metric();
      seen.push(now[pod]);
      // The clients it loses are on the other pods: the HPA's average is unchanged.
      expect(sum(now)).toBe(regionTotal());
    }
    expect(seen[0]).toBeLessThan(reply.sessions);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(seen[4]).toBeGreaterThan(reply.sessions * 0.4);
    expect(seen[4]).toBeLessThan(reply.sessions * 0.6);
    expect(seen[9]).toBe(0);
    const after = await metric();
    const others = pods.filter(p => p !== pod).map(p => after[p]);
    expect(Math.max(...others) - Math.min(...others)).toBeLessThanOrEqual(1);

    // The HPA reads the same metric and sees the region's load over its Ready pods.
    eu.cluster.step();
    const hpa = await api(
      '/apis/autoscaling/v2/namespaces/authoring/horizontalpodautoscalers/authoring-collab',
    );
    const average = parseQuantity(
      hpa.body.status.currentMetrics[0].pods.current.averageValue,
    ).value;
    expect(average).toBeCloseTo(regionTotal() / readyPods().length, 0);

    expect(await cancel(pod, body.operationId)).toMatchObject({
      pod,
      cancelled: true,
    });
  });

  it('gives a cancelled pod its share back at once; a second cancel was not draining', async () => {
    const pod = readyPods()[1];
    const body = notice(pod);
    const { sessions } = await drain(pod, body);
    clock.advance(2.5 * MINUTE);
    const half = (await metric())[pod];
    expect(half).toBeGreaterThan(sessions * 0.4);
    expect(half).toBeLessThan(sessions * 0.6);

    const reply = await cancel(pod, body.operationId);
    const now = await metric();
    const fair = regionTotal() / readyPods().length;
    expect(reply).toEqual({ pod, cancelled: true, sessions: now[pod] });
    expect(Math.abs(now[pod] - fair)).toBeLessThanOrEqual(1);
    expect(sum(now)).toBe(regionTotal());
    expect(await cancel(pod, body.operationId)).toEqual({
      pod,
      cancelled: false,
      sessions: now[pod],
    });
  });

  it('accepts a repeat under the same operation idempotently, and keeps the sooner of two operations’ deadlines', async () => {
    const pod = readyPods()[2];
    const first = notice(pod);
    await drain(pod, first);
    clock.advance(MINUTE);
    const current = (await metric())[pod];
    expect(
      await drain(pod, {
        ...first,
        deadline: new Date(Date.now() + MINUTE).toISOString(),
      }),
    ).toEqual({
      pod,
      accepted: true,
      sessions: current,
      deadline: first.deadline,
    });
    const later = notice(pod, {
      deadline: new Date(Date.now() + 20 * MINUTE).toISOString(),
    });
    expect(await drain(pod, later)).toMatchObject({
      accepted: true,
      deadline: first.deadline,
    });
    const sooner = notice(pod, {
      deadline: new Date(Date.now() + 2 * MINUTE).toISOString(),
    });
    expect(await drain(pod, sooner)).toMatchObject({
      accepted: true,
      sessions: current,
      deadline: sooner.deadline,
    });
    clock.advance(2 * MINUTE);
    expect((await metric())[pod]).toBe(0);
    for (const { operationId } of [first, later, sooner])
      expect(await cancel(pod, operationId)).toMatchObject({ cancelled: true });
    expect(eu.collab.distribution().some(p => p.draining)).toBe(false);
  });

  it('answers unknown-pod for a pod the region does not run, its own or another container’s', async () => {
    const apiPod = eu.cluster.store
      .list(findType('', 'v1', 'pods')!, 'authoring')
      .find(p => p.metadata.labels?.app === 'authoring-api');
    const us = fleet.clusters.find(c => c.region === 'us')!;
    us.cluster.step(); // its Deployments create their (Pending) pods
    const usPod = us.collab.distribution()[0]?.pod;
    const strangers = ['authoring-collab-nope', usPod, apiPod?.metadata.name];
    expect(strangers.every(p => p && !readyPods().includes(p))).toBe(true);
    for (const pod of strangers as string[]) {
      expect(await drain(pod, notice(pod))).toEqual({
        pod,
        accepted: false,
        error: {
          code: 'unknown-pod',
          message: `eu runs no authoring-collab pod named ${pod} (namespace authoring)`,
        },
      });
      expect(await cancel(pod, 'op-x')).toMatchObject({
        pod,
        cancelled: false,
        accepted: false,
        error: { code: 'unknown-pod' },
      });
    }
  });

  it.each([
    [
      'malformed JSON',
      () => '{"operationId": "op-',
      /^the payload is not JSON/,
    ],
    [
      'no operationId',
      (b: any) => ({ ...b, operationId: undefined }),
      /operationId is required/,
    ],
    [
      'another region',
      (b: any) => ({ ...b, region: 'us' }),
      /region "us" does not match/,
    ],
    [
      'no deadline',
      (b: any) => ({ ...b, deadline: undefined }),
      /deadline is required/,
    ],
    [
      'a deadline that is no date',
      (b: any) => ({ ...b, deadline: 'soon' }),
      /deadline must be an ISO-8601 date-time/,
    ],
    [
      'no reason',
      (b: any) => ({ ...b, reason: undefined }),
      /reason is required/,
    ],
  ])(
    'refuses %s with bad-request, naming the field, and changes nothing',
    async (_name, payload, message) => {
      const pod = readyPods()[0];
      const before = await metric();
      const reply = await drain(pod, payload(notice(pod)));
      expect(reply).toEqual({
        pod,
        accepted: false,
        error: { code: 'bad-request', message: expect.stringMatching(message) },
      });
      expect(await metric()).toEqual(before);
    },
  );

  it('refuses a pod that is not Ready; an evicted pod’s replacement starts empty and shares once Ready', async () => {
    const pods = readyPods();
    const pod = pods[0];
    const body = notice(pod, {
      deadline: new Date(Date.now() + MINUTE).toISOString(),
    });
    await drain(pod, body);
    clock.advance(MINUTE);
    expect((await metric())[pod]).toBe(0);

    const eviction = await api(
      `/api/v1/namespaces/authoring/pods/${pod}/eviction`,
      {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: pod, namespace: 'authoring' },
        }),
      },
    );
    expect(eviction.status).toBe(201);
    let replacement: string | undefined;
    for (let s = 0; s < 30 && !replacement; s++) {
      clock.advance(1000);
      eu.cluster.step();
      replacement = eu.collab
        .distribution()
        .find(p => !pods.includes(p.pod) && !p.ready)?.pod;
    }
    expect(replacement).toBeDefined();
    // The pod is gone, and its drain with it.
    expect(eu.collab.distribution().map(p => p.pod)).not.toContain(pod);
    expect(await drain(replacement!, notice(replacement!))).toMatchObject({
      pod: replacement,
      accepted: false,
      error: { code: 'not-ready' },
    });
    expect((await metric())[replacement!] ?? 0).toBe(0);
    for (let s = 0; s < 30 && !readyPods().includes(replacement!); s++) {
      clock.advance(1000);
      eu.cluster.step();
    }
    expect(readyPods()).toContain(replacement);
    const now = await metric();
    const fair = regionTotal() / readyPods().length;
    expect(Math.abs(now[replacement!] - fair)).toBeLessThanOrEqual(1);
    expect(sum(now)).toBe(regionTotal());
  });

  it('uses the subjects and the request schema of the catalog’s AsyncAPI definition', async () => {
    const [pod] = readyPods();
    const address = (channel: string) =>
      ASYNCAPI.channels[channel].address
        .replace('{region}', 'eu')
        .replace('{pod}', pod);
    expect(address('drain')).toBe(collabDrainSubject('eu', pod));
    expect(address('drainCancel')).toBe(collabDrainCancelSubject('eu', pod));
    expect(ASYNCAPI.operations.drain.reply.channel.$ref).toBe(
      '#/channels/drainReply',
    );
    // Every field the schema requires is one the responder refuses to go without.
    const required: string[] =
      ASYNCAPI.components.schemas.DrainRequest.required;
    const body = notice(pod);
    expect(conformance(body, schema('DrainRequest'))).toEqual([]);
    expect(Object.keys(body).sort()).toEqual([...required].sort());
    for (const field of required) {
      const reply = await drain(pod, { ...body, [field]: undefined });
      expect(reply.error).toEqual({
        code: 'bad-request',
        message: `${field} is required`,
      });
    }
    expect(
      ASYNCAPI.components.schemas.DrainCancelRequest.required.sort(),
    ).toEqual(['operationId', 'pod']);
  });
});
