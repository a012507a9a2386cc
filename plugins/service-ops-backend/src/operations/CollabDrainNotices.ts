import { JetStreamConnection } from '../backlog/JetStreamConnection';

/** What a collab pod answered to a drain notice. */
export type DrainNoticeReply =
  | { accepted: true; sessions: number; deadline: string }
  | { accepted: false; code: string; message: string };

/**
 * The portal's side of the collab drain contract (AsyncAPI entity
 * `api:default/authoring-collab-drain`): a notice and a cancel per pod, as NATS
 * request/reply on `authoring.collab.v1.<region>.<pod>.drain` and `….drain-cancel`.
 */
export class CollabDrainNotices {
  constructor(
    private readonly connection: JetStreamConnection,
    private readonly timeoutMs = 5000,
  ) {}

  /** NATS's state in words when it cannot carry a notice now; `undefined` when it can. */
  unavailable(): string | undefined {
    const health = this.connection.health();
    if (health.state === 'connected') return undefined;
    if (health.state === 'not-configured')
      return 'NATS is not configured (serviceOps.nats), so clients cannot be notified';
    const why = health.lastError ? `: ${health.lastError.message}` : '';
    return `NATS is ${health.state}${
      health.server ? ` (${health.server})` : ''
    }${why}`;
  }

  async notify(options: {
    operationId: string;
    region: string;
    pod: string;
    deadline: number;
    reason: string;
  }): Promise<DrainNoticeReply> {
    const text = await this.connection.request(
      `authoring.collab.v1.${options.region}.${options.pod}.drain`,
      {
        operationId: options.operationId,
        region: options.region,
        pod: options.pod,
        deadline: new Date(options.deadline).toISOString(),
        reason: options.reason,
      },
      this.timeoutMs,
    );
    const reply = parseReply(text);
    if (reply.accepted === true && typeof reply.sessions === 'number')
      return {
        accepted: true,
        sessions: reply.sessions,
        deadline: String(reply.deadline ?? ''),
      };
    const error = (reply.error ?? {}) as { code?: unknown; message?: unknown };
    return {
      accepted: false,
      code: String(error.code ?? 'unknown'),
      message: String(
        error.message ?? `unexpected reply: ${text.slice(0, 200)}`,
      ),
    };
  }

  /** Tells a notified pod the drain is off; resolves whether it was draining. */
  async cancel(options: {
    operationId: string;
    region: string;
    pod: string;
  }): Promise<boolean> {
    const text = await this.connection.request(
      `authoring.collab.v1.${options.region}.${options.pod}.drain-cancel`,
      { operationId: options.operationId, pod: options.pod },
      this.timeoutMs,
    );
    return parseReply(text).cancelled === true;
  }
}

function parseReply(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object') return parsed;
  } catch {
    // fall through
  }
  return { accepted: false, error: { code: 'bad-reply', message: text } };
}
