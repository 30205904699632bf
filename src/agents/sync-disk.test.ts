import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordedLayout, SYNC_STATE } from './sync-disk.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function folder(state?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'reverie-layout-'));
  dirs.push(dir);
  if (state !== undefined) writeFileSync(join(dir, SYNC_STATE), state);
  return dir;
}

describe('recordedLayout', () => {
  it('reads the layout a folder was last synced in, whatever store its state names', async () => {
    const state = (extra: object) =>
      JSON.stringify({ version: 1, memory_store_id: 'memstore_x', baseline: { 'a.md': 'f00' }, ...extra });
    expect(await recordedLayout(folder(state({ layout: 'claude-code' })))).toBe('claude-code');
    expect(await recordedLayout(folder(state({ layout: 'reverie' })))).toBe('reverie');
    // a state file written before layouts existed, with synced files: reverie's layout
    expect(await recordedLayout(folder(state({})))).toBe('reverie');
  });

  it('is null for a folder never synced: no state, an unreadable one, or nothing settled', async () => {
    expect(await recordedLayout(folder())).toBeNull();
    expect(await recordedLayout(join(tmpdir(), 'reverie-no-such-folder', 'memory'))).toBeNull();
    expect(await recordedLayout(folder('{"version": 1, "baseline": '))).toBeNull();
    expect(await recordedLayout(folder(JSON.stringify({ version: 1, baseline: {} })))).toBeNull();
  });
});
