import { connect } from '@nats-io/transport-node';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import {
  collabDrainCancelSubject,
  CollabDrainCancelReply,
  CollabDrainReply,
  collabDrainSubject,
  parseCollabDrainCancelRequest,
  parseCollabDrainRequest,
} from './collabDrainContract';
import type { CollabDrainTarget, TrafficLogger } from './types';

export interface CollabDrainResponderOptions {
  /** The nats-server to answer on (`nats://127.0.0.1:4222`). */
  servers: string | string[];
  /** Each region's collab pods (the fleet's `CollabSessions`, `fleet.clusters[i].collab`). */
  regions: readonly CollabDrainTarget[];
  logger?: TrafficLogger;
}

const noLogger: TrafficLogger = { info: () => {}, warn: () => {} };

/**
 * The collab servers' side of the drain contract (catalog/authoring-collab-drain.yaml):
 * per region, one responder on `authoring.collab.v1.<region>.*.drain` and one on
 * `...*.drain-cancel`, so that every pod name of the region gets an answer (an unknown
 * pod is refused with `unknown-pod`, never left without a reply). Requests are read and
 * checked here (a `bad-request` names the field); the region's pods decide the rest.
 *
 * The only file besides the JetStream bus that talks to NATS: core request/reply, no
 * JetStream, on a connection of its own that reconnects forever (NATS resubscribes).
 */
export class CollabDrainResponder {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: CollabDrainResponderOptions,
    private readonly logger: TrafficLogger,
  ) {}

  /** Connects (waiting for the server if it is not up yet) and subscribes; resolves once the server has the subscriptions. */
  static async start(
    options: CollabDrainResponderOptions,
  ): Promise<CollabDrainResponder> {
    const nc = await connect({
      servers: options.servers,
      name: 'sandbox-collab-drain',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      waitOnFirstConnect: true,
    });
    const responder = new CollabDrainResponder(
      nc,
      options,
      options.logger ?? noLogger,
    );
    responder.subscribe();
    await nc.flush();
    return responder;
  }

  /** The subjects it answers on. */
  subjects(): string[] {
    return this.options.regions.flatMap(({ region }) => [
      collabDrainSubject(region, '*'),
      collabDrainCancelSubject(region, '*'),
    ]);
  }

  /** One line on what runs. */
  describe(): string {
    return `sandbox collab drain responders: ${this.options.regions
      .map(r => r.region)
      .join(', ')} (${collabDrainSubject(
      '<region>',
      '<pod>',
    )}, ${collabDrainCancelSubject('<region>', '<pod>')})`;
  }

  /** Unsubscribes (requests in flight are answered) and closes the connection. Never throws. */
  async stop(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc
      .drain()
      .catch(() => this.nc.close())
      .catch(error =>
        this.logger.warn(`sandbox collab drain: closing failed: ${error}`),
      );
  }

  private subscribe() {
    for (const target of this.options.regions) {
      this.nc.subscribe(collabDrainSubject(target.region, '*'), {
        callback: (error, msg) => {
          if (error) this.logger.warn(`sandbox collab drain: ${error}`);
          else this.answer(msg, () => this.drain(target, msg));
        },
      });
      this.nc.subscribe(collabDrainCancelSubject(target.region, '*'), {
        callback: (error, msg) => {
          if (error) this.logger.warn(`sandbox collab drain: ${error}`);
          else this.answer(msg, () => this.cancel(target, msg));
        },
      });
    }
  }

  private answer(msg: Msg, handle: () => object) {
    let reply: object;
    try {
      reply = handle();
    } catch (error) {
      this.logger.warn(
        `sandbox collab drain: ${msg.subject} failed: ${
          (error as Error).stack ?? error
        }`,
      );
      return;
    }
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }

  private drain(target: CollabDrainTarget, msg: Msg): CollabDrainReply {
    const pod = podOf(msg.subject);
    const parsed = parseCollabDrainRequest(msg.string(), {
      region: target.region,
      pod,
    });
    if (!parsed.ok) {
      return {
        pod,
        accepted: false,
        error: { code: 'bad-request', message: parsed.message },
      };
    }
    const outcome = target.drain(parsed.value);
    if (!outcome.accepted) {
      return {
        pod,
        accepted: false,
        error: { code: outcome.code, message: outcome.message },
      };
    }
    const deadline = new Date(outcome.deadline).toISOString();
    this.logger.info(
      `sandbox collab drain: ${target.region}/${pod} drains by ${deadline} for ${parsed.value.operationId} (${outcome.sessions} sessions)`,
    );
    return { pod, accepted: true, sessions: outcome.sessions, deadline };
  }

  private cancel(target: CollabDrainTarget, msg: Msg): CollabDrainCancelReply {
    const pod = podOf(msg.subject);
    const parsed = parseCollabDrainCancelRequest(msg.string(), { pod });
    if (!parsed.ok) {
      return {
        pod,
        cancelled: false,
        accepted: false,
        error: { code: 'bad-request', message: parsed.message },
      };
    }
    const outcome = target.cancelDrain(parsed.value);
    if (!outcome.accepted) {
      return {
        pod,
        cancelled: false,
        accepted: false,
        error: { code: outcome.code, message: outcome.message },
      };
    }
    if (outcome.cancelled) {
      this.logger.info(
        `sandbox collab drain: ${target.region}/${pod} drain cancelled for ${parsed.value.operationId}`,
      );
    }
    return { pod, cancelled: outcome.cancelled, sessions: outcome.sessions };
  }
}

/** `authoring.collab.v1.<region>.<pod>.drain` -> `<pod>`. */
function podOf(subject: string): string {
  return subject.split('.')[4] ?? '';
}
