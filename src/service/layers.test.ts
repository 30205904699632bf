/**
 * The service layer's boundary (issue 9 item 6): `Reverie` keeps its storage private, the shells import
 * neither storage values nor the service's internal storage access, and a workspace-scoped service is the
 * same service (engines, LLM provider, location) over a scoped storage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itWithData, TAU } from '../../test/data.js';
import { DEFAULT_WORKSPACE_ID, openSqliteStorage } from '../storage/index.js';
import { storageOf } from './internal.js';
import { llmEngineFactory } from './llm-engine.js';
import { Reverie } from './reverie.js';

const SRC = resolve(import.meta.dirname, '..');
const SHELLS = ['api', 'cli', 'mcp', 'ui', 'agents'];

/** Source files of a folder, recursively, without tests and test helpers. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/(\.test\.ts|^test-[\w-]+\.ts)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('service layer boundary', () => {
  it('Reverie has no public storage; the service modules reach it through internal.ts', async () => {
    const storage = await openSqliteStorage(':memory:');
    const svc = new Reverie({ storage });
    expect('storage' in svc).toBe(false);
    expect(Object.keys(svc)).not.toContain('storage');
    expect(storageOf(svc)).toBe(storage);
    expect(() => storageOf({} as Reverie)).toThrow(TypeError);
    await svc.close();
  });

  it('no shell imports storage values or service/internal.js (type imports only)', () => {
    const offenders: string[] = [];
    for (const shell of SHELLS)
      for (const file of sources(join(SRC, shell))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/^import (type )?[^;]*?from '([^']+)';/gms)) {
          const [, typeOnly, from] = m;
          if (/\/service\/internal\.js$/.test(from!) || (!typeOnly && /\/storage\//.test(from!)))
            offenders.push(`${file.slice(SRC.length + 1)}: ${from}`);
        }
      }
    expect(offenders).toEqual([]);
  });

  it('store memory counts come from one service call, scoped to the workspace', async () => {
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const a = await svc.createStore({ name: 'a' });
    const b = await svc.createStore({ name: 'b' });
    await svc.createMemory(a.id, { path: '/x.md', content: 'x' });
    await svc.createMemory(a.id, { path: '/y.md', content: 'y' });
    expect(await svc.countMemoriesByStore([a.id, b.id])).toEqual(new Map([[a.id, 2]]));
    expect(await svc.forWorkspace('wrkspc_other').countMemoriesByStore([a.id])).toEqual(new Map());
    await svc.close();
  });

  itWithData(
    'a workspace-scoped service keeps the LLM provider (an LLM dream is accepted, not refused)',
    async () => {
      const root = new Reverie({
        storage: await openSqliteStorage(':memory:'),
        llm: llmEngineFactory({ provider: 'anthropic' }, { ANTHROPIC_API_KEY: 'sk-test-not-used' }),
        location: '/tmp/reverie-layers.db',
      });
      const ids = (await root.importSessions([TAU])).session_ids.slice(0, 4);
      const ws = root.forWorkspace(DEFAULT_WORKSPACE_ID);
      const store = await ws.createStore({ name: 'llm' });
      const dream = await ws.createDream({
        memory_store_id: store.id,
        session_ids: ids,
        model: 'claude-sonnet-4-5',
      });
      expect(dream).toMatchObject({ status: 'pending', engine: 'llm', model: { id: 'claude-sonnet-4-5' } });
      expect(ws.location).toBe('/tmp/reverie-layers.db');
      await root.close();
    },
  );
});
