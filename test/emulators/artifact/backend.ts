// A local artifact backend for `@actions/artifact`: Azurite (Microsoft's Azure Storage emulator)
// serves the blob side, and a loopback server plays the Actions results service's Twirp JSON API
// (CreateArtifact / FinalizeArtifact), handing out SAS URLs signed for Azurite. It answers the way
// a Twirp server does: errors as `{"code", "msg"}` with Twirp's status for the code, `bad_route`
// for a method the service does not have, `malformed` for a body that does not decode.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { z } from 'zod';
import {
  type Exchange,
  type Fault,
  freePort,
  type LoggedRequest,
  startLoopback,
} from '../loopback.js';

// Azurite's well-known development account (public, documented by Microsoft).
const ACCOUNT = 'devstoreaccount1';
const KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER = 'actions-results';
export const ARTIFACT_SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const RUN_ID = 'b7f3a3c2-0000-4000-8000-000000000001';
const JOB_ID = 'b7f3a3c2-0000-4000-8000-000000000002';
/** Methods the real service has that this emulator does not play (Twirp: `unimplemented`). */
const NOT_EMULATED = ['ListArtifacts', 'GetSignedArtifactURL', 'DeleteArtifact'];

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
  /** Every request the results service received (the blob uploads go to Azurite). */
  requests: LoggedRequest[];
  inject(method: string, fault: Fault, times?: number): void;
  /** Downloads an uploaded artifact's zip from Azurite. */
  download(name: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Twirp's error codes and the HTTP status each travels with (twitchtv/twirp, errors.go). */
const TWIRP_STATUS = {
  bad_route: 404,
  malformed: 400,
  invalid_argument: 400,
  unauthenticated: 401,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 412,
  unimplemented: 501,
  internal: 500,
} as const;

class TwirpError extends Error {
  constructor(
    readonly code: keyof typeof TWIRP_STATUS,
    readonly msg: string,
    readonly meta?: Record<string, string>,
  ) {
    super(msg);
  }
}

/** proto3 JSON: int64 arrives as a decimal string (or a number), a Timestamp as RFC 3339. */
const int64 = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(String);
const ids = {
  workflow_run_backend_id: z.string().default(''),
  workflow_job_run_backend_id: z.string().default(''),
  name: z.string().default(''),
};
// Unknown fields are dropped, as Twirp's JSON decoding does (DiscardUnknown).
const createRequest = z.object({
  ...ids,
  expires_at: z.iso.datetime({ offset: true }).optional(),
  version: z.number().int().default(0),
  mime_type: z.string().optional(),
});
const finalizeRequest = z.object({
  ...ids,
  size: int64.default('0'),
  hash: z.string().optional(),
});

interface Azurite {
  blobUrl: string;
  credential: StorageSharedKeyCredential;
  service: BlobServiceClient;
  stop(): Promise<void>;
}

/** Starts Azurite (blob only, in memory) and the results-service stand-in. */
export async function startArtifactBackend(): Promise<ArtifactBackend> {
  const azurite = await startAzurite();
  const results = new ResultsService(azurite);
  const server = await startLoopback<string>((exchange) => results.answer(exchange), {
    route: (_method, url) =>
      url.pathname.startsWith(ARTIFACT_SERVICE)
        ? url.pathname.slice(ARTIFACT_SERVICE.length)
        : undefined,
    onError: (error, { json }) => {
      const e = error instanceof TwirpError ? error : new TwirpError('internal', String(error));
      json(TWIRP_STATUS[e.code], { code: e.code, msg: e.msg, ...(e.meta ? { meta: e.meta } : {}) });
    },
  });
  return {
    resultsUrl: `${server.url}/`,
    runtimeToken: results.runtimeToken,
    artifacts: results.artifacts,
    requests: server.requests,
    inject: server.inject,
    download: (name) => results.download(name),
    close: async () => {
      await server.close();
      await azurite.stop();
    },
  };
}

async function startAzurite(): Promise<Azurite> {
  const port = await freePort();
  const require = createRequire(import.meta.url);
  const main = join(
    dirname(require.resolve('azurite/package.json')),
    'dist',
    'src',
    'blob',
    'main.js',
  );
  const child = spawn(
    process.execPath,
    [main, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--inMemoryPersistence'].concat([
      '--skipApiVersionCheck',
      '--loose',
      '--silent',
    ]),
    { stdio: 'ignore' },
  );
  await waitForPort(port, child, 20_000);
  const blobUrl = `http://127.0.0.1:${port}/${ACCOUNT}`;
  const credential = new StorageSharedKeyCredential(ACCOUNT, KEY);
  const service = new BlobServiceClient(blobUrl, credential);
  await service.getContainerClient(CONTAINER).createIfNotExists();
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((done) =>
      child.exitCode !== null ? done(undefined) : child.once('exit', done),
    );
  };
  return { blobUrl, credential, service, stop };
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

/** The results service's artifact calls, over Azurite's blob storage. */
class ResultsService {
  readonly artifacts: StoredArtifact[] = [];
  readonly runtimeToken = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ scp: `Actions.ExampleScope Actions.Results:${RUN_ID}:${JOB_ID}` })}.sig`;
  private nextId = 9001;

  constructor(private readonly azurite: Azurite) {}

  async answer({ request, json }: Exchange<string>): Promise<void> {
    if (request.headers.authorization !== `Bearer ${this.runtimeToken}`)
      throw new TwirpError('unauthenticated', 'bad token');
    const method = this.methodOf(request);
    const body = decode(request.body);
    if (method === 'CreateArtifact') return json(200, this.create(message(createRequest, body)));
    if (method === 'FinalizeArtifact')
      return json(200, await this.finalize(message(finalizeRequest, body)));
    throw new TwirpError('unimplemented', `${method} is not emulated`);
  }

  /** The Twirp method a request calls, after the checks a Twirp server routes by. */
  private methodOf(request: LoggedRequest): string {
    const route = `${request.method} ${request.path}`;
    const badRoute = (msg: string) =>
      new TwirpError('bad_route', msg, { twirp_invalid_route: route });
    if (request.method !== 'POST')
      throw badRoute(`unsupported method "${request.method}" (only POST is allowed)`);
    const method = request.route;
    if (
      method !== 'CreateArtifact' &&
      method !== 'FinalizeArtifact' &&
      !NOT_EMULATED.includes(method)
    )
      throw badRoute(`no handler for path "${request.path}"`);
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/json') throw badRoute(`unexpected Content-Type: "${type}"`);
    return method;
  }

  private create(body: z.output<typeof createRequest>) {
    checkIds(body);
    if (this.artifacts.some((a) => a.name === body.name))
      throw new TwirpError(
        'already_exists',
        'an artifact with this name already exists on the workflow run',
      );
    const blob = `${RUN_ID}/${body.name}.zip`;
    const sas = generateBlobSASQueryParameters(
      {
        containerName: CONTAINER,
        blobName: blob,
        permissions: BlobSASPermissions.parse('cw'),
        expiresOn: new Date(Date.now() + 3_600_000),
      },
      this.azurite.credential,
    );
    this.artifacts.push({
      id: this.nextId++,
      name: body.name,
      blob,
      size: '0',
      hash: null,
      expiresAt: body.expires_at ?? null,
      finalized: false,
    });
    return {
      ok: true,
      signed_upload_url: `${this.azurite.blobUrl}/${CONTAINER}/${blob}?${sas.toString()}`,
    };
  }

  private async finalize(body: z.output<typeof finalizeRequest>) {
    checkIds(body);
    const artifact = this.artifacts.find((a) => a.name === body.name && !a.finalized);
    if (!artifact) throw new TwirpError('not_found', 'no such artifact');
    // Nothing to finalize until the zip is in blob storage; the real service refuses it too.
    if (!(await this.blob(artifact).exists()))
      throw new TwirpError('failed_precondition', `nothing was uploaded for artifact ${body.name}`);
    artifact.finalized = true;
    artifact.size = body.size;
    artifact.hash = body.hash ?? null;
    return { ok: true, artifact_id: String(artifact.id) };
  }

  async download(name: string): Promise<Buffer> {
    const artifact = this.artifacts.find((a) => a.name === name && a.finalized);
    if (!artifact) throw new Error(`no finalized artifact named ${name}`);
    return this.blob(artifact).downloadToBuffer();
  }

  private blob(artifact: StoredArtifact) {
    return this.azurite.service.getContainerClient(CONTAINER).getBlobClient(artifact.blob);
  }
}

/** Parses a Twirp JSON body; proto3 JSON takes field names in snake_case or lowerCamelCase. */
function decode(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TwirpError('malformed', 'the json request could not be decoded', {
      cause: String(error),
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TwirpError('malformed', 'the json request could not be decoded');
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]),
  );
}

/** A decoded body read as its message type; a field of the wrong type does not decode. */
function message<S extends z.ZodType>(schema: S, body: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new TwirpError('malformed', 'the json request could not be decoded', {
    cause: z.prettifyError(parsed.error),
  });
}

function checkIds(body: {
  workflow_run_backend_id: string;
  workflow_job_run_backend_id: string;
  name: string;
}): void {
  if (body.workflow_run_backend_id !== RUN_ID || body.workflow_job_run_backend_id !== JOB_ID)
    throw new TwirpError('invalid_argument', 'unknown run');
  if (body.name === '') throw new TwirpError('invalid_argument', 'name is required');
}
