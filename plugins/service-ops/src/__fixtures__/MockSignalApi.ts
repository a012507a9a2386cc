import type { SignalApi } from '@backstage/plugin-signals-react';

type Message = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/**
 * A signal API for tests: records subscriptions and lets a test publish a message
 * on a channel as the signals backend would.
 */
export class MockSignalApi implements SignalApi {
  private readonly subscribers = new Map<string, Set<(m: Message) => void>>();

  subscribe<TMessage extends Message = Message>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ) {
    const handler = onMessage as (m: Message) => void;
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(handler);
    this.subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(handler) };
  }

  /** The channels someone listens on now. */
  channels(): string[] {
    return [...this.subscribers.entries()]
      .filter(([, set]) => set.size > 0)
      .map(([channel]) => channel);
  }

  publish(channel: string, message: Message) {
    for (const handler of this.subscribers.get(channel) ?? []) {
      handler(message);
    }
  }
}
