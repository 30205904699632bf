/**
 * End to end: a dream made from the τ-bench transcripts in ../shared/data/tau-bench/, reviewed in
 * Debian's Chromium (driven by playwright-core) on the real web review page served over HTTP:
 * approve two changes, edit one, reject one, apply, then see the new store version and its audit log.
 * Screenshots go to test-results/review-page/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/domain/index.js';
import { Reverie } from '../../src/service/reverie.js';
import { ReviewService } from '../../src/service/review-service.js';
import { openSqliteStorage } from '../../src/storage/index.js';
import { type RunningServer, serveReviewApp } from '../../src/ui/index.js';
import { HAVE_DATA, TAU } from '../data.js';

const TAU_DIR = dirname(TAU);

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.REVERIE_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results/review-page');

// In CI (CI=true, where .ci/system-deps installs Chromium) a missing browser is a failure, not a skip;
// a missing data folder fails there too (test/data.ts).
describe.skipIf(!process.env.CI && (!existsSync(CHROMIUM) || !HAVE_DATA))(
  'web review page in Chromium (τ-bench dream)',
  () => {
    let dir: string;
    let svc: Reverie;
    let review: ReviewService;
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let dreamId: string;
    let storeId: string;
    let changes: Change[];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'reverie-e2e-'));
      mkdirSync(SHOTS, { recursive: true });
      svc = new Reverie({ storage: await openSqliteStorage(join(dir, 'reverie.db')) });
      review = new ReviewService(svc, { applyHooks: {} });
      const imported = await svc.importSessions([TAU_DIR]);
      const store = await svc.createStore({
        name: 'airline support',
        description: 'what our airline agents learned',
      });
      storeId = store.id;
      const { dream } = await review.dream({ memory_store_id: store.id, session_ids: imported.session_ids });
      dreamId = dream.id;
      changes = await svc.listChanges(dreamId);
      server = await serveReviewApp(review, { port: 0, host: '127.0.0.1', reviewer: 'e2e' });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await svc?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** The card of a change on the dream page. */
    const card = (c: Change) => page.locator(`#chg-${c.id}`);

    it('approve two, edit one, reject one, apply, and see the new version and its log', async () => {
      const mistakes = changes.filter((c) => c.kind === 'mistake');
      const workflow = changes.find((c) => c.kind === 'workflow') ?? mistakes[3]!;
      expect(mistakes.length).toBeGreaterThanOrEqual(4);
      const [a1, a2, rej] = mistakes as [Change, Change, Change];

      await page.goto(`${server.url}/dreams`);
      await page.getByLabel('Reviewing as').fill('Ana Lima');
      await page.getByRole('button', { name: 'Set' }).click();
      expect(await page.locator('.flash').textContent()).toContain('Reviewing as Ana Lima');
      await page.getByRole('link', { name: dreamId }).click();
      await page.waitForURL(`**/dreams/${dreamId}`);
      expect(await page.locator('h1').textContent()).toContain(dreamId);
      expect(await page.getByRole('heading', { name: /^Mistakes \(\d+\)$/ }).count()).toBe(1);
      await page.screenshot({ path: join(SHOTS, '1-change-set.png') });

      // Evidence links land on the transcript event.
      const link = card(a1).locator('.evidence a').first();
      const href = (await link.getAttribute('href'))!;
      await link.click();
      await page.waitForURL(`**${href.split('#')[0]}*`);
      const seq = href.split('#seq-')[1]!;
      expect(await page.locator(`#seq-${seq}`).getAttribute('class')).toContain('hl');
      await page.screenshot({ path: join(SHOTS, '2-evidence.png') });
      await page.goBack();

      await card(a1).locator('input[name="comment"]').first().fill('seen it in production too');
      await page.getByRole('button', { name: `Approve ${a1.path}`, exact: true }).click();
      await page.waitForURL(`**/dreams/${dreamId}#chg-${a1.id}`);
      await page.getByRole('button', { name: `Approve ${a2.path}`, exact: true }).click();
      await page.waitForURL(`**#chg-${a2.id}`);
      await page.getByRole('button', { name: `Reject ${rej.path}`, exact: true }).click();
      await page.waitForURL(`**#chg-${rej.id}`);

      await card(workflow).getByText('Edit the content before approving').click();
      const textarea = page.getByLabel(`New content of ${workflow.path}`);
      expect(await textarea.inputValue()).toBe(workflow.after);
      const edited =
        '# Look up the user, then the reservation\n\nCall `get_user_details` first; the reservation ids are in the user record.\n';
      await textarea.fill(edited);
      await page.getByRole('button', { name: `Save edit of ${workflow.path}` }).click();
      await page.waitForURL(`**#chg-${workflow.id}`);

      expect(await card(a1).locator('.badge').textContent()).toBe('approved');
      expect(await card(a2).locator('.badge').textContent()).toBe('approved');
      expect(await card(rej).locator('.badge').textContent()).toBe('rejected');
      expect(await card(workflow).locator('.badge').textContent()).toBe('edited');
      expect(await card(a1).textContent()).toContain('approved by Ana Lima');
      await page.locator('#kind-mistake').evaluate((el) => el.scrollIntoView());
      await page.screenshot({ path: join(SHOTS, '3-reviewed.png') });
      await card(workflow).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, '3-edited.png') });

      await page.getByRole('button', { name: 'Apply 3 approved changes' }).click();
      await page.waitForURL(`**/dreams/${dreamId}`);
      expect(await page.locator('.flash').textContent()).toContain(`Applied 3 changes to ${storeId}`);
      expect(await card(a1).locator('.badge').textContent()).toBe('applied');
      expect(await card(rej).locator('.badge').textContent()).toBe('rejected');
      await page.screenshot({ path: join(SHOTS, '4-applied.png') });

      // The store has the new versions, written by the reviewer.
      await page.goto(`${server.url}/stores/${storeId}`);
      await page.getByRole('link', { name: workflow.path, exact: true }).click();
      await page.waitForURL(`**/stores/${storeId}/memory?path=*`);
      expect(await page.locator('pre.content').textContent()).toBe(edited);
      const history = await page.locator('table').textContent();
      expect(history).toContain('created');
      expect(history).toContain('review by Ana Lima');
      await page.screenshot({ path: join(SHOTS, '5-new-version.png') });

      await page.getByRole('link', { name: 'audit log of this path' }).click();
      await page.waitForURL(`**/stores/${storeId}/log?path=*`);
      const log = await page.locator('main').textContent();
      expect(log).toContain(`change ${workflow.id}`);
      expect(log).toContain('edited by Ana Lima');
      await page.screenshot({ path: join(SHOTS, '6-log.png'), fullPage: true });

      // And the database agrees with what the page showed.
      const mem = await svc.getMemoryByPath(storeId, workflow.path);
      expect(mem.content).toBe(edited);
      const v = await svc.getVersion(storeId, mem.memory_version_id);
      expect(v).toMatchObject({
        created_by: { type: 'review_actor', id: 'Ana Lima' },
        dream_id: dreamId,
        change_id: workflow.id,
      });
      await expect(svc.getMemoryByPath(storeId, rej.path)).rejects.toMatchObject({ type: 'not_found_error' });
    });
  },
);
