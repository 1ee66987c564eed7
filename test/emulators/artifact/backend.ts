// A local artifact backend for `@actions/artifact`: Azurite (Microsoft's Azure Storage emulator)
// serves the blob side, and a small loopback server plays the Actions results service's Twirp
// JSON calls (CreateArtifact / FinalizeArtifact), handing out SAS URLs signed for Azurite.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';

// Azurite's well-known development account (public, documented by Microsoft).
const ACCOUNT = 'devstoreaccount1';
const KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER = 'actions-results';
const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';

export interface StoredArtifact {
  id: number;
  name: string;
  blob: string;
  size: string;
  hash: string | null;
  expiresAt: string | null;
  finalized: boolean;
}

export interface ArtifactBackend {
  /** ACTIONS_RESULTS_URL */
  resultsUrl: string;
  /** ACTIONS_RUNTIME_TOKEN: an (unsigned) JWT carrying the run and job backend ids. */
  runtimeToken: string;
  artifacts: StoredArtifact[];
  /** Downloads an uploaded artifact's zip from Azurite. */
  download(name: string): Promise<Buffer>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        done(true);
      });
      socket.on('error', () => done(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`Azurite did not listen on ${port} within ${timeoutMs} ms`);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Starts Azurite (blob only, in memory) and the results-service stand-in. */
export async function startArtifactBackend(): Promise<ArtifactBackend> {
  const blobPort = await freePort();
  const require = createRequire(import.meta.url);
  const azuriteMain = join(
    dirname(require.resolve('azurite/package.json')),
    'dist',
    'src',
    'blob',
    'main.js',
  );
  const azurite = spawn(
    process.execPath,
    [
      azuriteMain,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(blobPort),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--loose',
      '--silent',
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(blobPort, azurite, 20_000);
  const blobUrl = `http://127.0.0.1:${blobPort}/${ACCOUNT}`;
  const credential = new StorageSharedKeyCredential(ACCOUNT, KEY);
  const service = new BlobServiceClient(blobUrl, credential);
  await service.getContainerClient(CONTAINER).createIfNotExists();

  const runId = 'b7f3a3c2-0000-4000-8000-000000000001';
  const jobId = 'b7f3a3c2-0000-4000-8000-000000000002';
  const artifacts: StoredArtifact[] = [];
  let nextId = 9001;

  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${runtimeToken}`)
        return reply(401, { code: 'unauthenticated', msg: 'bad token' });
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      const name = typeof body.name === 'string' ? body.name : '';
      if (req.url === `${SERVICE}CreateArtifact`) {
        if (body.workflow_run_backend_id !== runId || body.workflow_job_run_backend_id !== jobId) {
          return reply(400, { code: 'invalid_argument', msg: 'unknown run' });
        }
        if (artifacts.some((a) => a.name === name)) {
          return reply(409, {
            code: 'already_exists',
            msg: `an artifact with this name already exists on the workflow run`,
          });
        }
        const blob = `${runId}/${name}.zip`;
        const sas = generateBlobSASQueryParameters(
          {
            containerName: CONTAINER,
            blobName: blob,
            permissions: BlobSASPermissions.parse('cw'),
            expiresOn: new Date(Date.now() + 3_600_000),
          },
          credential,
        );
        artifacts.push({
          id: nextId++,
          name,
          blob,
          size: '0',
          hash: null,
          expiresAt: (body.expires_at as string | undefined) ?? null,
          finalized: false,
        });
        return reply(200, {
          ok: true,
          signed_upload_url: `${blobUrl}/${CONTAINER}/${blob}?${sas.toString()}`,
        });
      }
      if (req.url === `${SERVICE}FinalizeArtifact`) {
        const artifact = artifacts.find((a) => a.name === name && !a.finalized);
        if (!artifact) return reply(404, { code: 'not_found', msg: 'no such artifact' });
        artifact.finalized = true;
        artifact.size =
          typeof body.size === 'string' || typeof body.size === 'number' ? String(body.size) : '0';
        artifact.hash = (body.hash as string | undefined) ?? null;
        return reply(200, { ok: true, artifact_id: String(artifact.id) });
      }
      reply(404, { code: 'bad_route', msg: `no handler for ${req.url}` });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const runtimeToken = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ scp: `Actions.ExampleScope Actions.Results:${runId}:${jobId}` })}.sig`;

  return {
    resultsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    runtimeToken,
    artifacts,
    async download(name) {
      const artifact = artifacts.find((a) => a.name === name && a.finalized);
      if (!artifact) throw new Error(`no finalized artifact named ${name}`);
      return service.getContainerClient(CONTAINER).getBlobClient(artifact.blob).downloadToBuffer();
    },
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      azurite.kill('SIGTERM');
      await new Promise((done) =>
        azurite.exitCode !== null ? done(undefined) : azurite.once('exit', done),
      );
    },
  };
}
