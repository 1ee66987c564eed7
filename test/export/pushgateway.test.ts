import { describe, expect, it } from 'vitest';
import { groupPath, pushMetrics } from '../../src/export/pushgateway.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import type { Log } from '../../src/shared/log.js';
import { fixedReport } from '../support/report-fixtures.js';
import { json, scriptedServer } from '../support/scripted-server.js';

const lines: string[] = [];
const log: Log = {
  info: (m) => lines.push(m),
  warning: (m) => lines.push(`warning: ${m}`),
  debug: () => undefined,
};

describe('groupPath', () => {
  it('base64url-encodes a value holding "/" and an empty one, as the Pushgateway requires', () => {
    expect(groupPath({ repository: 'acme/leads', workflow: 'wf-1', tag: 'eu west' })).toBe(
      `/metrics/job/batch_cost_gate/repository@base64/${Buffer.from('acme/leads').toString('base64url')}/workflow/wf-1/tag/eu%20west`,
    );
    // The CLI has no repository: an empty value is `@base64/=`.
    expect(groupPath({ repository: '', workflow: 'a/b', tag: 'x' })).toBe(
      '/metrics/job/batch_cost_gate/repository@base64/=/workflow@base64/YS9i/tag/x',
    );
  });
});

describe('pushMetrics', () => {
  it('PUTs the text exposition under the URL path, with the extra headers, and never echoes them', async () => {
    const server = await scriptedServer([json(401, { error: 'no' })]);
    try {
      const metrics = renderPrometheus(fixedReport(1000, 2_600));
      const secret = 'Bearer s3cr3t-push-token';
      const push = pushMetrics(
        `${server.url}/pg/`,
        { Authorization: secret },
        { repository: 'acme/leads', workflow: 'wf', tag: 't' },
        metrics,
        log,
      );
      const error = await push.then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/401/);
      expect(error?.message).not.toContain('s3cr3t');
      // A 401 is not transient: sent once.
      expect(server.hits).toHaveLength(1);
      const hit = server.hits[0]!;
      expect(hit.method).toBe('PUT');
      expect(hit.path).toMatch(/^\/pg\/metrics\/job\/batch_cost_gate\/repository@base64\//);
      expect(hit.headers.authorization).toBe(secret);
      expect(hit.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(hit.body).toBe(metrics);
    } finally {
      await server.close();
    }
  });
});
