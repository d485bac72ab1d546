/**
 * A cluster of node processes for tests and the bench: a real Redis and PostgreSQL (started here as
 * child processes), an origin and edges, each `server/src/main.ts` in its own process bound to its
 * own loopback address, so traffic between "hosts" crosses real sockets. Every node shares the
 * database and the signing key (ACCESS_TOKEN_KEY).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION, type Grant, type IngestInfo } from '@hybrid-stage/shared';
import { AccessTokens } from '../../server/src/access/AccessTokens';
import { freePortRun, freeTcpPort } from './ports';
import { TestPostgres } from './postgres';
import { TestRedis } from './redis';
import { startServerProcess, TestClient, type ServerProcess } from './server';

/** One node process, as a test reaches it. */
export interface ClusterNodeProcess {
  id: string;
  url: string;
  process: ServerProcess;
  dataDir: string;
  /** Kills it with SIGKILL (no goodbye: its registry record expires, its connections drop). */
  kill(): Promise<void>;
}

/** A node to start: its id, role, region and loopback address, and its media port range. */
export interface NodeSpec {
  id: string;
  role: 'origin' | 'edge';
  region: string;
  ip: string;
  mediaPorts: string;
  /** Settings of this node only (beside the cluster's). */
  env?: Record<string, string>;
  /**
   * A second origin, started while the first holds the lease: it serves nothing until it takes
   * over, so it is waited for until it says it is the standby.
   */
  standby?: boolean;
}

/** Media clients on the workers of the node at `url` (its /metrics): a viewer's page counts once. */
export async function mediaClientsAt(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  return [...text.matchAll(/^hybrid_stage_worker_clients\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

export class TestCluster {
  readonly #redis: TestRedis;
  readonly #postgres: TestPostgres;
  readonly #databaseUrl: string;
  readonly #env: Record<string, string>;
  readonly nodes: ClusterNodeProcess[] = [];
  readonly #encoders: ChildProcess[] = [];
  readonly #clients: TestClient[] = [];
  readonly #key = randomBytes(32);
  /** Signs invite tokens with the key every node checks. */
  readonly tokens = new AccessTokens(this.#key);

  private constructor(redis: TestRedis, postgres: TestPostgres, databaseUrl: string, env: Record<string, string>) {
    this.#redis = redis;
    this.#postgres = postgres;
    this.#databaseUrl = databaseUrl;
    this.#env = env;
  }

  /** Redis, PostgreSQL, then each node in order. */
  static async start(specs: NodeSpec[], env: Record<string, string> = {}): Promise<TestCluster> {
    const redis = await TestRedis.start();
    let postgres: TestPostgres | undefined;
    try {
      postgres = await TestPostgres.start();
      const cluster = new TestCluster(redis, postgres, await postgres.createDatabase(), env);
      try {
        for (const spec of specs) await cluster.addNode(spec);
      } catch (error) {
        await cluster.close();
        throw error;
      }
      return cluster;
    } catch (error) {
      await postgres?.close();
      await redis.close();
      throw error;
    }
  }

  /** The cluster's Redis, for a test that reads or writes what the nodes keep there. */
  get redisUrl(): string {
    return this.#redis.url;
  }

  node(id: string): ClusterNodeProcess {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  /** A socket on `node` with an access token for `grant`; closed with the cluster. */
  async connectAs(node: ClusterNodeProcess, grant: Grant): Promise<TestClient> {
    const client = await TestClient.connect(node.url, { protocolVersion: PROTOCOL_VERSION, token: await this.tokens.mint(grant) });
    this.#clients.push(client);
    return client;
  }

  /** An encoder sending one colour into an RTP ingest of `studio`'s node, with the command the studio page shows. Returns its feed id. */
  async colourFeed(studio: TestClient, colour: string): Promise<string> {
    // Each encoder sends from its own ports, declared with the ingest (the shown command binds them).
    const videoPort = 5004 + 10 * this.#encoders.length;
    const source = { ip: '127.0.0.1', videoPort, audioPort: videoPort + 2 };
    const info: IngestInfo = await studio.ok('ingest:create', { studioId: 'london', label: `London ${colour}`, protocol: 'rtp', source });
    const input = `-f lavfi -i "color=c=${colour}:s=320x180:r=25[out0];sine=frequency=1000:sample_rate=48000[out1]"`;
    const shell = info.ffmpegCommand.replace('-i INPUT', input).replace(/^ffmpeg /, 'exec ffmpeg -hide_banner -loglevel error -t 900 ');
    this.#encoders.push(spawn('sh', ['-c', shell], { stdio: 'ignore' }));
    return info.feedId;
  }

  /** Media clients on a node's workers (its metrics): a viewer's page counts once. */
  mediaClients(node: ClusterNodeProcess): Promise<number> {
    return mediaClientsAt(node.url);
  }

  /** Consumers on a node's workers (its metrics). */
  async consumers(node: ClusterNodeProcess): Promise<number> {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    return [...text.matchAll(/^hybrid_stage_consumers\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  /** Starts one more node process and waits until it serves. */
  async addNode({ id, role, region, ip, mediaPorts, env = {}, standby = false }: NodeSpec): Promise<ClusterNodeProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), `hybrid-stage-${id}-`));
    const port = await freeTcpPort();
    const server = startServerProcess({
      HOST: ip, RTC_LISTEN_IP: ip, ANNOUNCED_IP: ip, PORT: String(port), RTC_PORT: String(await freePortRun(1)),
      MEDIA_PORT_RANGE: mediaPorts, DATA_DIR: dataDir,
      REDIS_URL: this.#redis.url, DATABASE_URL: this.#databaseUrl, ACCESS_TOKEN_KEY: this.#key.toString('base64'), NODE_ID: id, NODE_ROLE: role, NODE_REGION: region,
      TEST_PATTERNS: 'false', MT_APERTIUM_LANGUAGES: 'none', EDGE_RELAY_GRACE_MS: '1500', CLIENT_GRACE_MS: '3000',
      ...(process.env.CLUSTER_LOGS && { LOG_LEVEL: 'info' }),
      ...this.#env,
      ...env,
      // The standby's one word that it waits is a line at level info.
      ...(standby && { LOG_LEVEL: 'info' }),
    });
    const url = `http://${ip}:${port}`;
    const node: ClusterNodeProcess = {
      id, url, process: server, dataDir,
      kill: async () => {
        if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
        await server.exited;
      },
    };
    this.nodes.push(node);
    const until = Date.now() + 60_000;
    for (;;) {
      if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`${id} exited:\n${server.output()}`);
      if (standby ? server.output().includes('standby origin: waiting') : (await fetch(`${url}/health`).then((r) => r.status, () => 0)) === 200) return node;
      if (Date.now() > until) throw new Error(`${id} did not serve within 60 s:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Stops every encoder, client and node (SIGTERM, a drained stop), then PostgreSQL and Redis; removes the data. */
  async close(): Promise<void> {
    for (const client of this.#clients.splice(0)) client.close();
    for (const encoder of this.#encoders.splice(0)) encoder.kill('SIGKILL');
    for (const node of this.nodes.splice(0)) {
      if (node.process.child.exitCode === null && node.process.child.signalCode === null) node.process.child.kill('SIGTERM');
      await node.process.exited;
      // CLUSTER_LOGS=1 prints what each node said (for a failing test).
      if (process.env.CLUSTER_LOGS) console.log(`--- ${node.id} ---\n${node.process.output()}`);
      rmSync(node.dataDir, { recursive: true, force: true });
    }
    await this.#postgres.close();
    await this.#redis.close();
  }
}
