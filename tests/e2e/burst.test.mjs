// Bursts through the real analytics-next while HubSpot's tracker is on its way: nothing is lost
// while it is merely slow, and what waits is bounded once it is known not to come (it has not
// started within loadTimeoutMs). The README's Guarantees state the memory held per call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const LIMIT = { timeout: 300_000 };
const PORTAL = '62515';
/** How many calls wait for a tracker known not to come (src/browser/delivery.rs, MAX_HELD_CALLS). */
const MAX_HELD_CALLS = 1000;
// Segment.io left out and client persistence off: these bursts are HubSpot's, and thousands of
// requests to Segment's API, or of analytics-next's cookie and storage writes, would only slow the run.
const ANALYTICS_OPTIONS = { integrations: { 'Segment.io': false }, disableClientPersistence: true };

async function start(visit, settings) {
  await visit.page.evaluate(([settings, analyticsOptions]) => fixture.start(settings, { analyticsOptions }), [settings, ANALYTICS_OPTIONS]);
}

/** `count` track calls named E<from>…, made at once; resolves once analytics-next delivered them all. */
function burst(visit, from, count) {
  return visit.page.evaluate(
    ([from, count]) => Promise.all(Array.from({ length: count }, (_, i) => analytics.track(`E${from + i}`))).then(() => undefined),
    [from, count],
  );
}

/** The custom behavioral events HubSpot received, by name, in order. */
function received(visit) {
  return visit.page.evaluate(() => (window.__hubspot?.sent ?? []).filter((s) => s.kind === 'customEvent').map((s) => s.name));
}

/** Waits until HubSpot received `count` custom behavioral events. */
function receivedCount(visit, count) {
  return visit.until((count) => (window.__hubspot?.sent ?? []).filter((s) => s.kind === 'customEvent').length >= count, count, {
    timeout: 200_000,
  });
}

/** HubSpot's names for E<from> … E<to - 1>. */
const names = (from, to) => Array.from({ length: to - from }, (_, i) => `pe${PORTAL}_e${from + i}`);

test(
  '10,000 calls, half of them before a tracker that starts 300 ms late: all 10,000 reach HubSpot, once each, in order',
  LIMIT,
  async () => {
    const visit = await harness.openFixture('app', { tracker: 'hold' });
    // A tracker late, not lost: 10,000 calls through analytics-next take longer than the default
    // loadTimeoutMs (10 s) on a slow machine, after which the plugin would rightly bound them.
    await start(visit, { portalId: PORTAL, loadTimeoutMs: 600_000 });
    await burst(visit, 0, 5000);
    assert.equal(await visit.hubspot(), null, 'the first half was made before the tracker ran');
    const late = new Promise((ok) => setTimeout(ok, 300)).then(() => visit.release('tracker'));
    await burst(visit, 5000, 5000);
    await late;
    await receivedCount(visit, 10_000);
    await new Promise((ok) => setTimeout(ok, 300)); // room for a second delivery, should there be one

    assert.deepEqual(await received(visit), names(0, 10_000));
    assert.deepEqual(
      visit.warnings.filter((w) => w.includes('hubspot-wasm')),
      [],
    );
    assert.deepEqual(visit.errors, []);
  },
);

test('a tracker that does not come: past loadTimeoutMs the calls waiting are bounded, with one warning', LIMIT, async () => {
  const visit = await harness.openFixture('app', { tracker: 'hold' });
  await start(visit, { portalId: PORTAL, loadTimeoutMs: 200 });
  await burst(visit, 0, 500);
  await visit.warning('has not started within 200 ms');
  await burst(visit, 500, 2500);
  const warnings = visit.warnings.filter((w) => w.includes('calls are waiting'));
  assert.equal(warnings.length, 1, JSON.stringify(visit.warnings));
  assert.match(warnings[0], new RegExp(`${MAX_HELD_CALLS} calls are waiting for HubSpot's tracking code; the oldest are dropped`));

  // What waited is what a tracker arriving now receives: the latest MAX_HELD_CALLS, in order.
  visit.release('tracker');
  await receivedCount(visit, MAX_HELD_CALLS);
  await new Promise((ok) => setTimeout(ok, 300));
  assert.deepEqual(await received(visit), names(3000 - MAX_HELD_CALLS, 3000));
  assert.equal(visit.warnings.filter((w) => w.includes('calls are waiting')).length, 1);
  assert.deepEqual(visit.errors, []);
});
