// The results-service emulator answers as a Twirp server does, so a wrong call from
// `@actions/artifact` (or from us) fails here instead of passing against a lenient stand-in.
import { BlockBlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACT_SERVICE,
  type ArtifactBackend,
  startArtifactBackend,
} from './artifact/backend.js';

let backend: ArtifactBackend;
beforeAll(async () => {
  backend = await startArtifactBackend();
}, 60_000);
afterAll(async () => backend?.close());

/** The run and job ids the runtime token carries (its `scp` claim). */
function backendIds(): { workflow_run_backend_id: string; workflow_job_run_backend_id: string } {
  const claims = JSON.parse(
    Buffer.from(backend.runtimeToken.split('.')[1]!, 'base64url').toString(),
  ) as { scp: string };
  const [, run, job] = /Actions\.Results:([^:]+):([^ ]+)/.exec(claims.scp)!;
  return { workflow_run_backend_id: run!, workflow_job_run_backend_id: job! };
}

/** One Twirp call as @actions/artifact makes it: POST, JSON, the runtime token. */
async function twirp(
  method: string,
  body: unknown,
  init: { httpMethod?: string; contentType?: string; token?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(`${ARTIFACT_SERVICE}${method}`, backend.resultsUrl), {
    method: init.httpMethod ?? 'POST',
    headers: {
      authorization: `Bearer ${init.token ?? backend.runtimeToken}`,
      'content-type': init.contentType ?? 'application/json',
    },
    ...(init.httpMethod === 'GET'
      ? {}
      : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('results-service emulator: Twirp routing', () => {
  it('answers 404 bad_route to a method the service does not have', async () => {
    const answer = await twirp('UploadEverything', { ...backendIds(), name: 'x' });
    expect(answer).toEqual({
      status: 404,
      body: {
        code: 'bad_route',
        msg: `no handler for path "${ARTIFACT_SERVICE}UploadEverything"`,
        meta: { twirp_invalid_route: `POST ${ARTIFACT_SERVICE}UploadEverything` },
      },
    });
  });

  it('answers bad_route to a GET and to a body that is not JSON-typed', async () => {
    const get = await twirp('CreateArtifact', undefined, { httpMethod: 'GET' });
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('bad_route');
    const text = await twirp(
      'CreateArtifact',
      { ...backendIds(), name: 'x' },
      {
        contentType: 'text/plain',
      },
    );
    expect(text.status).toBe(404);
    expect(text.body.msg).toContain('unexpected Content-Type');
    expect(backend.artifacts).toHaveLength(0);
  });

  it('answers 401 unauthenticated to a foreign token', async () => {
    const answer = await twirp('CreateArtifact', { ...backendIds(), name: 'x' }, { token: 'nope' });
    expect(answer).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
  });
});

describe('results-service emulator: bodies', () => {
  it('answers 400 malformed to JSON that does not parse, and keeps serving', async () => {
    const answer = await twirp('CreateArtifact', '{"name": "report",');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'malformed',
      msg: 'the json request could not be decoded',
    });
    const next = await twirp('FinalizeArtifact', { ...backendIds(), name: 'never-created' });
    expect(next.status).toBe(404);
  });

  it('answers 400 malformed to a field of the wrong type', async () => {
    const answer = await twirp('CreateArtifact', {
      ...backendIds(),
      name: 'typed',
      version: 'seven',
    });
    expect(answer).toMatchObject({ status: 400, body: { code: 'malformed' } });
    expect(backend.artifacts.some((a) => a.name === 'typed')).toBe(false);
  });
});

describe('results-service emulator: finalize', () => {
  it('refuses to finalize an artifact nothing was uploaded for, and one never created', async () => {
    const created = await twirp('CreateArtifact', { ...backendIds(), name: 'empty', version: 7 });
    expect(created.status).toBe(200);
    const finalize = await twirp('FinalizeArtifact', { ...backendIds(), name: 'empty', size: '0' });
    expect(finalize).toEqual({
      status: 412,
      body: { code: 'failed_precondition', msg: 'nothing was uploaded for artifact empty' },
    });
    expect(backend.artifacts.find((a) => a.name === 'empty')?.finalized).toBe(false);
    const unknown = await twirp('FinalizeArtifact', { ...backendIds(), name: 'ghost', size: '1' });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('finalizes once the zip is in blob storage (camelCase field names too)', async () => {
    const created = await twirp('CreateArtifact', { ...backendIds(), name: 'full', version: 7 });
    const zip = Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'));
    await new BlockBlobClient(String(created.body.signed_upload_url)).upload(zip, zip.length);
    const ids = backendIds();
    const finalize = await twirp('FinalizeArtifact', {
      workflowRunBackendId: ids.workflow_run_backend_id,
      workflowJobRunBackendId: ids.workflow_job_run_backend_id,
      name: 'full',
      size: String(zip.length),
    });
    expect(finalize).toMatchObject({ status: 200, body: { ok: true } });
    expect(await backend.download('full')).toEqual(zip);
  });
});
