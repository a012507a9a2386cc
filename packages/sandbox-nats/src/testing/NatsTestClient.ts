import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';

/** A plain NATS requester for tests: what a portal would send, malformed or not. */
export class NatsTestClient {
  private constructor(private readonly nc: NatsConnection) {}

  static async connect(servers: string | string[]): Promise<NatsTestClient> {
    return new NatsTestClient(await connect({ servers }));
  }

  /**
   * Sends `body` (an object as JSON, a string as it is) and resolves with the reply,
   * parsed as JSON; rejects when nobody answers (no responders, or the timeout).
   */
  async request<T = any>(
    subject: string,
    body: unknown,
    timeoutMs = 5000,
  ): Promise<T> {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const reply = await this.nc.request(subject, payload, {
      timeout: timeoutMs,
    });
    return reply.json<T>();
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
  }
}
