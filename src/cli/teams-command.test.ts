import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, cliRunner } from '../../test/cli-harness.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-teams-cli-'));
  db = join(dir, 'r.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliRunner(() => db);

const json = cliJson(cli);

describe('reverie teams', () => {
  it('create, add, list, scope and attach; bad input is refused naming the field', async () => {
    const t = await json('teams', 'create', 'platform');
    expect(t.id).toMatch(/^team_/);
    const dup = await cli('teams', 'create', 'platform');
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/already exists/);
    const added = await json(
      'teams',
      'add',
      'platform',
      '--person',
      'alice',
      '--person',
      'bob',
      '--agent',
      'coder',
    );
    expect(added.members.map((m: { type: string; id: string }) => `${m.type}:${m.id}`)).toEqual([
      'agent:coder',
      'person:alice',
      'person:bob',
    ]);
    const list = await cli('teams', 'list');
    expect(list.out).toMatch(/platform\s+agent:coder, person:alice, person:bob/);
    expect((await cli('teams', 'add', 'nobody', '--person', 'x')).err).toMatch(/team not found: nobody/);

    const st = await json('store', 'create', 'platform memory');
    const scoped = await json('teams', 'scope', st.id, 'team:platform', '--min-support', '3');
    expect(scoped.scope).toEqual({ type: 'team', id: t.id, min_support: 3 });
    const human = await cli('teams', 'scope', st.id, 'organisation');
    expect(human.out).toContain('organisation, promotes what recurs across 2+ teams');
    expect((await cli('teams', 'scope', st.id, 'planet:earth')).err).toMatch(/scope must be person:<id>/);
    expect((await json('teams', 'scope', st.id, 'none')).scope).toBeUndefined();

    const attached = await json('teams', 'attach', 'coder', `${st.id}:read_only`);
    expect(attached.data).toMatchObject([{ agent_id: 'coder', memory_store_id: st.id, access: 'read_only' }]);
    const nine = Array.from({ length: 9 }, () => st.id);
    expect((await cli('teams', 'attach', 'coder', ...nine)).err).toMatch(/at most 8 memory stores/);
  });

  it('sessions import --user sets the person of sessions whose format names none', async () => {
    const file = join(dir, 's.jsonl');
    writeFileSync(
      file,
      `${[
        JSON.stringify({ type: 'session', external_id: 'u-1', agent_id: 'bot', title: 't' }),
        JSON.stringify({ type: 'user.message', text: 'hello' }),
      ].join('\n')}\n`,
    );
    const r = await json('sessions', 'import', file, '--user', 'carol', '--team', 'platform');
    const s = await json('sessions', 'show', r.session_ids[0]);
    expect(s).toMatchObject({ user_id: 'carol', team_id: 'platform', agent_id: 'bot' });
  });
});
