import { describe, expect, it } from 'vitest';
import { editThenReply, personStatements } from '../test-helpers.js';
import { taskList, ticketTask } from './task-lists.js';

/** What gather keeps as the person's statements from `person`, replying after the agent edited a file. */
const reply = (person: string) =>
  personStatements(
    editThenReply({
      task: 'add the invoice export',
      file: 'src/export.ts',
      code: 'export const x = 1;',
      agent: 'The export is done.',
      person,
    }),
  );

// Wordings written for these tests.
describe('task lists', () => {
  it('are messages with items labelled 1 and 2, on lines or inline; versions and decimals are no labels', () => {
    expect(taskList('Things to fix:\n1. the date picker\n2. the export button')).toBe(true);
    expect(taskList('Please check these before I merge: 1) the lock file 2) the env example')).toBe(true);
    expect(taskList('(1) rename the module (2) update the imports')).toBe(true);
    expect(taskList('bump it to 1.5 and keep 2.x working')).toBe(false);
    expect(taskList('1. just one item here')).toBe(false);
  });

  it('give no rule from an item, unless the item says it holds for good', () => {
    const rule = 'If it does, we must extend it instead of creating a parallel accounts table.';
    const items = `Looks good overall.\n\nBefore I deploy, please confirm these items:\n\n1) Auth: confirm whether the framework already provides a users table. ${rule}\n\n2) The seed script must be idempotent.\n\n3) From now on, run the seed script in CI too.`;
    expect(reply(items)).not.toContain(rule);
    expect(reply(items)).toContain('3) From now on, run the seed script in CI too.');
    // the same words outside a list
    expect(reply(`Auth: confirm whether the framework already provides a users table. ${rule}`)).toContain(
      rule,
    );
  });
});

describe('ticketTask', () => {
  it('is a message opening with an issue tracker’s key', () => {
    expect(ticketTask('PAY-12: Never show the refund button to guests')).toBe(true);
    expect(ticketTask('[WEB-301] Always lazy-load the gallery images')).toBe(true);
    expect(ticketTask('OPS-7 - move the cron job to the worker')).toBe(true);
    expect(ticketTask('Never show the refund button to guests')).toBe(false);
    expect(ticketTask('UTF-8 everywhere, please')).toBe(false);
  });

  it('gives no rule from a pasted ticket', () => {
    const rule = "Don't show the refund button to guests.";
    expect(reply(rule)).toContain(rule);
    expect(reply(`PAY-12: ${rule}`)).toEqual([]);
  });
});
