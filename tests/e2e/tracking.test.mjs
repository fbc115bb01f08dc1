// SPEC S3–S6 through the real client: @segment/analytics-next (bundled by webpack with the plugin,
// fixtures/app.html) in Chromium, HubSpot's tracker replaced by www/hubspot-emulator.js. Each test
// asserts what HubSpot would receive (window.__hubspot.sent) or the commands it was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const PORTAL = '62515';
const FIXTURE_PATH = '/tests/e2e/fixtures/app.html';

/** Opens the bundled fixture, starts analytics + plugin and waits until the tracker is running. */
async function loadedApp(settings = {}, { analyticsOptions, ...open } = {}) {
  const visit = await harness.openFixture('app', open);
  await visit.page.evaluate(([s, o]) => fixture.start(s, o), [{ portalId: PORTAL, ...settings }, { analyticsOptions }]);
  await visit.page.evaluate(() => fixture.loaded());
  return visit;
}

/** Waits until HubSpot received `count` requests, then returns them all. */
function sentCount(visit, count) {
  return visit.until((n) => window.__hubspot?.sent.length >= n && window.__hubspot.sent, count);
}

const names = (commands) => commands.map((c) => c[0]);

test('the first page is not double-counted: HubSpot records it once, later pages are forwarded', async () => {
  const visit = await loadedApp({}, { analyticsOptions: { initialPageview: true } });
  // analytics-next's initialPageview is the page call every Segment site makes on load.
  await visit.page.evaluate(async () => {
    history.pushState({}, '', '/docs/intro?lang=en');
    await analytics.page();
  });
  const sent = await sentCount(visit, 2);
  const log = await visit.hubspot();
  assert.deepEqual(sent.map((s) => [s.kind, s.path, Boolean(s.initial)]), [
    ['pageView', FIXTURE_PATH, true],         // HubSpot's own automatic page view
    ['pageView', '/docs/intro?lang=en', false], // the second analytics.page()
  ]);
  assert.deepEqual(names(log.commands), ['setPath', 'trackPageView'], 'only the second page reaches _hsq');
  assert.deepEqual(visit.errors, []);
});

test('trackInitialPageView: true forwards the first page as well', async () => {
  const visit = await loadedApp({ trackInitialPageView: true });
  await visit.page.evaluate(async () => { await analytics.page(); });
  const sent = await sentCount(visit, 2);
  assert.deepEqual(sent.map((s) => [s.kind, Boolean(s.initial)]), [['pageView', true], ['pageView', false]]);
});

test('identify then page: the contact is identified on that page view, with mapped properties', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.page(); // the first page (HubSpot counted it already)
    await analytics.identify('user-42', {
      email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', company: { name: 'Analytical Engines' },
    });
  });
  assert.equal((await visit.sent()).length, 1, 'identify alone sends nothing (HubSpot holds the identity)');

  await visit.page.evaluate(async () => { await analytics.page('Pricing'); });
  const sent = await sentCount(visit, 2);
  assert.equal(sent[1].kind, 'pageView');
  assert.equal(sent[1].path, FIXTURE_PATH);
  assert.deepEqual(sent[1].identity, {
    email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines', id: 'user-42',
  });
});

test('identify then track: the event carries the identity; revenue becomes value', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.identify('user-7', { email: 'grace@example.com', plan: 'pro' });
    await analytics.track('Signed Up', { plan: 'pro', revenue: 49 });
  });
  const sent = await sentCount(visit, 2);
  assert.deepEqual(sent[1], {
    kind: 'event', id: 'Signed Up', properties: { plan: 'pro', value: 49 }, path: FIXTURE_PATH,
    identity: { email: 'grace@example.com', plan: 'pro', id: 'user-7' },
  });
  const log = await visit.hubspot();
  assert.deepEqual(names(log.commands), ['identify', 'trackEvent']);
});

test('customBehavioralEvents: track sends a custom behavioral event named pe<portal>_<event>', async () => {
  const visit = await loadedApp({ customBehavioralEvents: true });
  await visit.page.evaluate(async () => { await analytics.track('Video Played', { 'Video Title': 'Intro' }); });
  const sent = await sentCount(visit, 2);
  assert.deepEqual(sent[1], {
    kind: 'customEvent', name: `pe${'62515'}_video_played`, properties: { video_title: 'Intro' }, path: FIXTURE_PATH, identity: null,
  });
});

test('identify without an email is ignored: no identify command, the next event is anonymous', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.identify('user-9', { name: 'No Email', plan: 'free' });
    await analytics.track('Viewed Dashboard');
  });
  const sent = await sentCount(visit, 2);
  assert.equal(sent[1].id, 'Viewed Dashboard');
  assert.equal(sent[1].identity, null);
  assert.deepEqual(names((await visit.hubspot()).commands), ['trackEvent']);
  assert.deepEqual(visit.errors, []);
});

test('integrations: { HubSpot: false } keeps an event from HubSpot but not from Segment', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.track('Secret Thing', { x: 1 }, { integrations: { HubSpot: false } });
    await analytics.track('Public Thing', { y: 2 });
  });
  const sent = await sentCount(visit, 2);
  const log = await visit.hubspot();
  assert.deepEqual(sent.slice(1).map((s) => s.id), ['Public Thing']);
  assert.ok(!JSON.stringify(log.commands).includes('Secret Thing'), 'the opted-out event never reached _hsq');
  const segment = await visit.segmentEvent('Secret Thing');
  assert.equal(segment.integrations.HubSpot, false);
});

test('reset() drops a pending identity: the next user is not identified as the previous one', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.page();
    await analytics.identify('user-1', { email: 'first@example.com' });
    await analytics.reset();
    await analytics.page();
  });
  const sent = await sentCount(visit, 2);
  assert.equal(sent[1].kind, 'pageView');
  assert.equal(sent[1].identity, null);
  assert.ok(!JSON.stringify((await visit.hubspot()).commands).includes('first@example.com'));
});

test('SPA route change: page() after history.pushState sets the new path and query', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.page();
    history.pushState({}, '', '/app/settings?tab=billing');
    await analytics.page();
  });
  const sent = await sentCount(visit, 2);
  const log = await visit.hubspot();
  assert.deepEqual(log.commands, [['setPath', '/app/settings?tab=billing'], ['trackPageView']]);
  assert.equal(sent[1].path, '/app/settings?tab=billing');
});

test('calls made before the tracker loads are delivered in order once it does', async () => {
  const visit = await harness.openFixture('app', { tracker: 'hold' });
  // All of this happens while HubSpot's script is still on its way (held by the route).
  await visit.page.evaluate(async () => {
    const started = fixture.start({ portalId: '62515' });
    const calls = [
      analytics.identify('early-1', { email: 'early@example.com' }),
      analytics.page(),
      analytics.track('Early One', { n: 1 }),
      analytics.track('Early Two', { n: 2 }),
    ];
    await started;
    await Promise.all(calls);
  });
  assert.equal(await visit.page.evaluate(() => window.__hubspot ?? null), null, 'the tracker has not run yet');
  assert.equal(await visit.page.evaluate(() => fixture.plugin.isLoaded()), false, 'isLoaded() tells the truth');

  visit.release('tracker');
  await visit.page.evaluate(() => fixture.loaded());
  const sent = await sentCount(visit, 3);
  const log = await visit.hubspot();
  assert.deepEqual(log.commands, [
    ['identify', { email: 'early@example.com', id: 'early-1' }],
    ['trackEvent', { id: 'Early One', n: 1 }],
    ['trackEvent', { id: 'Early Two', n: 2 }],
  ]);
  assert.deepEqual(sent.map((s) => [s.kind, s.id ?? null, s.identity?.email ?? null]), [
    ['event', 'Early One', 'early@example.com'],
    ['event', 'Early Two', null],
    ['pageView', null, null], // the automatic page view, once: the early page() was not forwarded
  ]);
  assert.deepEqual(visit.errors, []);
});

