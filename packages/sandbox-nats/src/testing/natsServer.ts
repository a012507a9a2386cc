import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A nats-server with JetStream, started for a test. */
export interface TestNatsServer {
  url: string;
  /** The HTTP monitoring endpoint (`/connz`, `/jsz`, `/healthz`). */
  monitorUrl: string;
  /** Stops the server (its store stays until `stop`). */
  kill(): Promise<void>;
  /** Starts it again on the same ports; `wipeStore` starts it without its streams. */
  restart(options?: { wipeStore?: boolean }): Promise<void>;
  /** Stops the server and removes its store. */
  stop(): Promise<void>;
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

function serverBinary(): string {
  const candidates = [
    process.env.NATS_SERVER_BIN,
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .map(dir => path.join(dir, 'nats-server')),
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
  ];
  const found = candidates.find(c => c && fs.existsSync(c));
  if (!found) {
    throw new Error(
      'nats-server is not installed (apt-get install nats-server, or set NATS_SERVER_BIN)',
    );
  }
  return found;
}

/**
 * Starts `nats-server -js` on free ports with its store in a fresh temporary directory
 * and resolves when `/healthz` answers.
 */
export async function startNatsServer(): Promise<TestNatsServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-nats-'));
  const port = await freePort();
  const monitorPort = await freePort();
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  let child: ChildProcess | undefined;
  let exited = Promise.resolve();

  const kill = async () => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };

  const launch = async () => {
    let output = '';
    const server = spawn(
      serverBinary(),
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
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (server.exitCode !== null) {
        throw new Error(`nats-server exited: ${output}`);
      }
      const healthy = await fetch(`${monitorUrl}/healthz`).then(
        r => r.ok,
        () => false,
      );
      if (healthy) return;
      if (Date.now() > deadline) {
        await kill();
        throw new Error(`nats-server did not become healthy: ${output}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  };

  const stop = async () => {
    await kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl,
    kill,
    restart: async ({ wipeStore = false } = {}) => {
      await kill();
      if (wipeStore) {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir);
      }
      await launch();
    },
    stop,
  };
}
