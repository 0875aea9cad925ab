import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bus, ConsumerStatus } from '@passerelle/bus';
import type { RunningService } from '@passerelle/runtime';
import { patience, uniqueName, waitFor } from '@passerelle/test-kit';
import { prepareBus } from '@passerelle/test-kit/runnable';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  APPLICATION,
  fakeJourneyService,
  startAdmin,
  startWorker,
  testBus,
  workerContracts,
} from './fixtures.js';

// The admin page as a person uses it, in Debian's headless Chromium driven by playwright-core: the token typed
// in once, the status at a glance, a dead-letter count, a pause that really pauses the consumer, and a journey's
// timeline drawn as SVG. Chromium is a system package: without it this test fails, saying how to install it.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const prefix = uniqueName('admin-page');
const groupId = uniqueName('admin-page-worker');
const consumerName = `applications.${groupId}`;
const deadLetterTopic = `dlq.${groupId}.v1`;
const { contracts, applications } = workerContracts(prefix);

let bus: Bus;
let worker: RunningService;
let admin: RunningService;
let journey: Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  bus = testBus(contracts);
  await prepareBus(bus);
  journey = await fakeJourneyService();
  worker = await startWorker(prefix, groupId, new Set(['SESSION-OPEN']));
  admin = await startAdmin({
    worker: worker.url,
    journey: `http://127.0.0.1:${(journey.address() as AddressInfo).port}`,
  });
  // One poison event, so the page has a dead-letter count to show.
  await bus.publish([
    {
      topic: applications,
      key: 'SESSION-UNKNOWN',
      record: APPLICATION,
      value: {
        requestId: 'page-poison',
        sessionKey: 'SESSION-UNKNOWN',
        de: { deIdentifier: 'DE0000001', lastName: 'Martin-Secret', email: null },
      },
    },
  ]);
});
afterAll(async () => {
  await browser?.close();
  await admin?.stop();
  await worker?.stop();
  await bus?.stop();
  journey?.close();
});

const workerState = async () => {
  const statuses = (await (await fetch(`${worker.url}/status/consumers`)).json()) as ConsumerStatus[];
  return statuses[0]?.state;
};

describe('the admin page in headless Chromium', () => {
  it('when the token is typed in, then it shows the status, a dead-letter count and the journey timeline; Pause pauses the consumer and its lag grows, Reprendre drains it', async () => {
    // Arrange — in the test itself, so a missing Chromium fails it (a failing beforeAll reads as "skipped").
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: the admin page's browser test needs it and never skips. ` +
          "Install Debian's package (apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium binary.",
      );
    }
    // Root (CI) needs --no-sandbox; the page is our own, served on the loopback.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
      timeout: patience(30_000),
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Playwright's own waits (a locator showing up, a click landing) are waits on the system too: its 30 s default,
    // scaled like every other deadline of the run.
    page.setDefaultTimeout(patience(30_000));
    await page.goto(`${admin.url}/`);
    const loginShown = await page.locator('#login').isVisible();

    // Act: a wrong token first, then the right one.
    await page.fill('#token', 'not-the-admin-token');
    await page.click('#login button[type=submit]');
    await page.locator('#login-error').filter({ hasText: 'Jeton refusé' }).waitFor();
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('#login button[type=submit]');
    const task = page.locator(`[data-connector="worker"] [data-task="${consumerName}"]`);
    await task.locator('[data-state="RUNNING"]').waitFor();
    const pending = page.locator(`#dead-letters tr[data-topic="${deadLetterTopic}"] .pending`);
    await waitFor(async () => (await pending.textContent({ timeout: 1000 }).catch(() => null)) === '1', {
      description: 'the page to show one pending dead letter',
      timeoutMs: 30_000,
    });
    await page.locator(`#dead-letters tr[data-topic="${deadLetterTopic}"] button`, { hasText: 'Parcourir' }).click();
    const entryText = await page.locator('#dlq-entries .entry').first().textContent();
    await task.getByRole('button', { name: 'Pause' }).click();
    await task.locator('[data-state="PAUSED"]').waitFor();
    const stateAfterClick = await workerState();
    // Three more applications while paused: the page's lag for the group grows, then drains after Reprendre.
    await bus.publish(
      ['a', 'b', 'c'].map((suffix) => ({
        topic: applications,
        key: 'SESSION-OPEN',
        record: APPLICATION,
        value: {
          requestId: `page-${suffix}`,
          sessionKey: 'SESSION-OPEN',
          de: { deIdentifier: 'DE0000002', lastName: 'Petit', email: null },
        },
      })),
    );
    const lagTotal = async () =>
      Number(await page.locator(`#lag [data-group="${groupId}"] [data-lag-total]`).getAttribute('data-lag-total'));
    const lagWhilePaused = await waitFor(async () => ((await lagTotal()) >= 3 ? lagTotal() : undefined), {
      description: 'the page to show the lag growing while paused',
      timeoutMs: 30_000,
    });
    await page.fill('#journey-id', 'J-42');
    await page.click('#journey-form button[type=submit]');
    await page.locator('#journey-timeline circle').first().waitFor();
    const steps = await page.locator('#journey-timeline g.step').count();
    const flagged = await page.locator('#journey-timeline g.step[data-flagged="true"]').count();
    const timelineText = await page.locator('#journey-timeline').textContent();
    await page.screenshot({
      fullPage: true,
      path: `${process.env.ADMIN_SCREENSHOT_DIR ?? '/tmp'}/passerelle-admin-page.png`,
    });
    await task.getByRole('button', { name: 'Reprendre' }).click();
    await task.locator('[data-state="RUNNING"]').waitFor();
    // Transaction markers take an offset each: a drained partition shows at most one.
    const lagAfterResume = await waitFor(async () => ((await lagTotal()) <= 2 ? lagTotal() : undefined), {
      description: 'the page to show the lag drained after resume',
      timeoutMs: 30_000,
    });

    // Assert
    expect(loginShown).toBe(true);
    expect(await page.locator('[data-connector="worker"] .state').first().textContent()).toBe('UP');
    expect(entryText).toContain('TEST_UNKNOWN_SESSION');
    expect(entryText).toContain('[MASKED]');
    expect(entryText).not.toContain('Martin-Secret');
    expect(stateAfterClick).toBe('PAUSED');
    expect(lagWhilePaused).toBeGreaterThanOrEqual(3);
    expect(lagAfterResume).toBeLessThanOrEqual(2);
    expect(steps).toBe(4);
    expect(flagged).toBe(1);
    expect(timelineText).toContain('Positionné');
    expect(timelineText).toContain('OUT_OF_ORDER');
    expect(await page.locator('#journey-status').textContent()).toContain('Entrée effective');
    expect(await workerState()).toBe('RUNNING');
  });
});
