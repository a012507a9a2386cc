import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A `nats-server -js` started for a test or a benchmark, on free ports, with its store in
 * a fresh temporary directory. The one helper every package's tests use.
 */
export interface TestNatsServer {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  /** The HTTP monitoring endpoint (`/jsz`, `/connz`, `/healthz`). */
  monitorUrl: string;
  /** Kills the server (SIGKILL: a crash, nothing flushed); its store stays for `start`. */
  kill(): Promise<void>;
  /** Starts the killed server again on the same ports and store. */
  start(): Promise<void>;
  /** `kill` then `start`; `wipeStore` starts it without its streams (a lost disk). */
  restart(options?: { wipeStore?: boolean }): Promise<void>;
  /** Stops the server and removes its store. */
  stop(): Promise<void>;
  /** GETs a monitoring endpoint, e.g. `/jsz?accounts=true&streams=true&consumers=true`. */
  monitor<T>(pathAndQuery: string): Promise<T>;
}

/** A free TCP port on 127.0.0.1: bind port 0, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `NATS_SERVER_BIN`, or `nats-server` on PATH, in /usr/sbin or /usr/bin. */
export function natsServerBinary(): string {
  const candidates = [
    process.env.NATS_SERVER_BIN,
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map(dir => path.join(dir, 'nats-server')),
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
  ];
  const found = candidates.find(c => c && fs.existsSync(c));
  if (!found)
    throw new Error(
      'nats-server not found on PATH, in /usr/sbin or /usr/bin: install it (apt-get install nats-server) or set NATS_SERVER_BIN',
    );
  return found;
}

async function waitHealthy(options: {
  child: ChildProcess;
  monitorUrl: string;
  output: () => string;
}): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (options.child.exitCode !== null)
      throw new Error(`nats-server exited: ${options.output()}`);
    const healthy = await fetch(`${options.monitorUrl}/healthz`).then(
      r => r.ok,
      () => false,
    );
    if (healthy) return;
    if (Date.now() > deadline)
      throw new Error(
        `nats-server did not become healthy: ${options.output()}`,
      );
    await new Promise(r => setTimeout(r, 50));
  }
}

/** Starts `nats-server -js -sd <tmp> -p <free> -m <free>` and waits for `/healthz`. */
export async function startNatsServer(): Promise<TestNatsServer> {
  const binary = natsServerBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-ops-nats-'));
  const port = await freePort();
  const monitorPort = await freePort();
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  let child: ChildProcess | undefined;
  let exited = Promise.resolve();

  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null)
      child.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    let output = '';
    const server = spawn(
      binary,
      [
        '-js',
        '-sd',
        dir,
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '-m',
        String(monitorPort),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = server;
    exited = new Promise<void>(resolve => server.once('exit', () => resolve()));
    server.stderr?.on('data', chunk => {
      output += String(chunk);
    });
    try {
      await waitHealthy({ child: server, monitorUrl, output: () => output });
    } catch (error) {
      await kill();
      throw error;
    }
  };
  const stop = async () => {
    await kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl,
    kill,
    start,
    restart: async ({ wipeStore = false } = {}) => {
      await kill();
      if (wipeStore) {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir);
      }
      await start();
    },
    stop,
    monitor: async <T>(pathAndQuery: string): Promise<T> => {
      const response = await fetch(`${monitorUrl}${pathAndQuery}`);
      if (!response.ok)
        throw new Error(`${pathAndQuery}: HTTP ${response.status}`);
      return (await response.json()) as T;
    },
  };
}
