/**
 * Test fixture of the API suites: a service on a private in-memory SQLite database, a key in the
 * default workspace, the API app, and `call(method, path, body?, headers?)` through `app.request()`
 * (no sockets) that sends the key and returns the status and parsed JSON body.
 */
import { Reverie } from '../../service/index.js';
import { openSqliteStorage } from '../../storage/index.js';
import { createApiApp } from '../index.js';

/** What {@link apiFixture} returns. */
export interface ApiFixture {
  svc: Reverie;
  key: string;
  app: ReturnType<typeof createApiApp>;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in tests
  ): Promise<{ status: number; body: any; res: Response }>;
}

/** A fresh API over an empty database with one key (`x-api-key`) in the default workspace. */
export async function apiFixture(): Promise<ApiFixture> {
  const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
  const { key } = await svc.keys.createKey({ name: 'test' });
  const app = createApiApp(svc);
  return {
    svc,
    key,
    app,
    async call(method, path, body, headers = {}) {
      const res = await app.request(path, {
        method,
        headers: {
          'x-api-key': key,
          'anthropic-version': '2023-06-01',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, res };
    },
  };
}
