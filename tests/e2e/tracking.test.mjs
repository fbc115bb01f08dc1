// Page, identify, track and reset through the real client: @segment/analytics-next (bundled by
// webpack with the plugin, fixtures/app.html) in Chromium, HubSpot's tracker replaced by
// www/hubspot-emulator.js, which behaves as HubSpot's real tracker does (start-up order, identity
// kept for every later request, request kinds). Each test asserts what HubSpot would receive
// (window.__hubspot.sent: request kind, path, identity, properties, visitor).
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

/** The tracker's log of the commands it ran, without its script's own and function entries. */
const ours = (commands) => commands.filter(([name], i) => name !== '<function>' && !(i < 3 && name === 'setPortalId'));
const names = (commands) => commands.map((c) => c[0]);

test('the first page is not double-counted: HubSpot records it once, later pages are forwarded', async () => {
  const visit = await loadedApp({}, { analyticsOptions: { initialPageview: true } });
  // analytics-next's initialPageview is the page call every Segment site makes on load.
  await visit.page.evaluate(async () => {
    history.pushState({}, '', '/docs/intro?lang=en');
    await analytics.page();
  });
  const sent = await sentCount(visit, 2);
  assert.deepEqual(
    sent.map((s) => [s.kind, s.path, s.initial]),
    [
      ['pageView', FIXTURE_PATH, true], // HubSpot's own automatic page view, for the first page's path
      ['pageView', '/docs/intro?lang=en', false], // the second analytics.page()
    ],
  );
  await new Promise((ok) => setTimeout(ok, 200));
  assert.equal((await visit.sent()).length, 2, 'no third page view');
  assert.deepEqual(visit.errors, []);
});

test('trackInitialPageView: true forwards the first page as well', async () => {
  const visit = await loadedApp({ trackInitialPageView: true });
  await visit.page.evaluate(async () => {
    await analytics.page();
  });
  const sent = await sentCount(visit, 2);
  assert.deepEqual(
    sent.map((s) => [s.kind, s.initial]),
    [
      ['pageView', true],
      ['pageView', false],
    ],
  );
});

test('identify then page: the contact is identified on that page view, with mapped properties', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.page(); // the first page (HubSpot counted it already)
    await analytics.identify('user-42', {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: { name: 'Analytical Engines' },
    });
  });
  assert.equal((await visit.sent()).length, 1, 'identify alone sends nothing (HubSpot holds the identity)');

  await visit.page.evaluate(async () => {
    await analytics.page('Pricing');
  });
  const sent = await sentCount(visit, 2);
  assert.equal(sent[1].kind, 'pageView');
  assert.equal(sent[1].path, FIXTURE_PATH);
  assert.deepEqual(sent[1].identity, {
    email: 'ada@example.com',
    firstname: 'Ada',
    lastname: 'Lovelace',
    company: 'Analytical Engines',
    id: 'user-42',
  });
});

test('track sends a custom behavioral event by default, carrying the identity', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.identify('user-7', { email: 'grace@example.com', plan: 'pro' });
    await analytics.track('Signed Up', { plan: 'pro', revenue: 49, seats: 0, trial: false, tags: ['a', 'b'], plan_info: { tier: 'gold' } });
  });
  const sent = await sentCount(visit, 2);
  const { url, visitor, consentAllowed, initial, resetVisitor, ...event } = sent[1];
  assert.deepEqual(event, {
    kind: 'customEvent',
    name: 'pe62515_signed_up',
    path: FIXTURE_PATH,
    // As HubSpot receives them: every value as text, none lost (0 and false included), objects
    // flattened and lists joined rather than "[object Object]" or repeated keys.
    properties: { plan: 'pro', revenue: '49', seats: '0', trial: 'false', tags: 'a;b', plan_info_tier: 'gold' },
    identity: { email: 'grace@example.com', plan: 'pro', id: 'user-7' },
  });
  assert.ok(url.includes('/__ptbe.gif?'), url);
  assert.deepEqual(names(ours((await visit.hubspot()).commands)), ['trackPageView', 'identify', 'trackCustomBehavioralEvent']);
  assert.ok(!visit.warnings.some((w) => w.includes('trackEvent')), 'no legacy warning by default');
});

test('the legacy trackEvent only when asked for, with one warning that HubSpot no longer processes it', async () => {
  const visit = await loadedApp({ customBehavioralEvents: false });
  await visit.page.evaluate(async () => {
    await analytics.track('Signed Up', { plan: 'pro', revenue: 49 });
    await analytics.track('Again');
  });
  const sent = await sentCount(visit, 3);
  assert.deepEqual(
    sent.slice(1).map((s) => [s.kind, s.id, s.value]),
    [
      ['event', 'Signed Up', '49'],
      ['event', 'Again', ''],
    ],
  );
  const warnings = visit.warnings.filter((w) => w.includes('no longer processes'));
  assert.equal(warnings.length, 1, JSON.stringify(visit.warnings));
});

test('property names HubSpot refuses are made HubSpot names, each warned about once', async () => {
  const visit = await loadedApp();
  const sixty = 'a'.repeat(60);
  await visit.page.evaluate(async (sixty) => {
    await analytics.identify('u1', { email: 'n@example.com', ÜrÜn: 'x', '1st_place': 'gold' });
    const props = { 'order-id': 'o-1', ÜrÜn: 'y', [sixty]: 1, 価格: 9, 'Straße.Nr': 3 };
    await analytics.track('Order Completed', props);
    await analytics.track('Order Completed', props);
  }, sixty);
  const sent = await sentCount(visit, 3);
  assert.deepEqual(sent[1].identity, { email: 'n@example.com', urun: 'x', p_1st_place: 'gold', id: 'u1' });
  assert.deepEqual(sent[1].properties, { order_id: 'o-1', urun: 'y', ['a'.repeat(50)]: '1', strasse_nr: '3' });
  assert.deepEqual(sent[2].properties, sent[1].properties);
  for (const name of Object.keys(sent[1].properties)) assert.match(name, /^[a-z][a-z0-9_]{0,49}$/);
  const named = (key) => visit.warnings.filter((w) => w.includes(`property "${key}"`));
  for (const key of ['ÜrÜn', '1st_place', 'order-id', sixty, '価格'])
    assert.equal(named(key).length, 1, `${key}: ${JSON.stringify(visit.warnings)}`);
  assert.equal(named('Straße.Nr').length, 1);
});

test('identify without an email is ignored: no identify command, the next event is anonymous', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.identify('user-9', { name: 'No Email', plan: 'free' });
    await analytics.track('Viewed Dashboard');
  });
  const sent = await sentCount(visit, 2);
  assert.equal(sent[1].name, 'pe62515_viewed_dashboard');
  assert.equal(sent[1].identity, null);
  assert.ok(!names(ours((await visit.hubspot()).commands)).includes('identify'));
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
  assert.deepEqual(
    sent.slice(1).map((s) => s.name),
    ['pe62515_public_thing'],
  );
  assert.ok(!JSON.stringify(log.commands).includes('secret_thing'), 'the opted-out event never reached _hsq');
  const segment = await visit.segmentEvent('Secret Thing');
  assert.equal(segment.integrations.HubSpot, false);
});

test('reset() separates people at HubSpot: a new visitor, and no later request carries the previous identity', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.page();
    await analytics.identify('user-1', { email: 'first@example.com', plan: 'pro' });
    await analytics.track('Before');
    analytics.reset();
    await analytics.page();
    await analytics.track('After');
  });
  const sent = await sentCount(visit, 4);
  const [, before, page, after] = sent;
  assert.equal(before.identity.email, 'first@example.com');
  for (const request of [page, after]) {
    assert.equal(request.identity, null, JSON.stringify(request));
    assert.equal(request.resetVisitor, true);
    assert.notEqual(request.visitor, before.visitor, 'HubSpot sees a new visitor');
  }
  assert.deepEqual(visit.errors, []);
});

test('SPA route change: page() after history.pushState sets the new path and query', async () => {
  const visit = await loadedApp();
  await visit.page.evaluate(async () => {
    await analytics.page();
    history.pushState({}, '', '/app/settings?tab=billing');
    await analytics.page();
  });
  const sent = await sentCount(visit, 2);
  assert.deepEqual(ours((await visit.hubspot()).commands).slice(-2), [['setPath', '/app/settings?tab=billing'], ['trackPageView']]);
  assert.equal(sent[1].path, '/app/settings?tab=billing');
});

test('calls made before the tracker loads reach HubSpot in order, after its own page view', async () => {
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
  assert.equal(await visit.page.evaluate(() => window._hsq.length), 1, 'only the start-up entry waits in _hsq');

  visit.release('tracker');
  await visit.page.evaluate(() => fixture.loaded());
  const sent = await sentCount(visit, 3);
  // The identity held at the first page rides HubSpot's own page view, and stays on every later
  // request (HubSpot's tracker keeps it).
  assert.deepEqual(
    sent.map((s) => [s.kind, s.initial, s.name ?? null, s.identity?.email ?? null]),
    [
      ['pageView', true, null, 'early@example.com'],
      ['customEvent', false, 'pe62515_early_one', 'early@example.com'],
      ['customEvent', false, 'pe62515_early_two', 'early@example.com'],
    ],
  );
  assert.deepEqual(visit.errors, []);
});

test('a slow tracker and two navigations: HubSpot records each page view for its own path', async () => {
  const visit = await harness.openFixture('app', { tracker: 'hold' });
  await visit.page.evaluate(async () => {
    await fixture.start({ portalId: '62515' });
    history.pushState({}, '', '/a');
    await analytics.page();
    history.pushState({}, '', '/b?x=1');
    await analytics.page();
  });
  visit.release('tracker');
  const sent = await sentCount(visit, 2);
  await new Promise((ok) => setTimeout(ok, 200));
  assert.deepEqual(
    (await visit.sent()).map((s) => [s.kind, s.path, s.initial]),
    [
      ['pageView', '/a', true], // HubSpot's own page view, for the first page's path
      ['pageView', '/b?x=1', false],
    ],
  );
  assert.equal(sent.length, 2);
});

test('two people before a slow tracker (identify, track, reset, identify, track): each event carries its own identity', async () => {
  const visit = await harness.openFixture('app', { tracker: 'hold' });
  await visit.page.evaluate(async () => {
    await fixture.start({ portalId: '62515' });
    await analytics.page();
    await analytics.identify('a', { email: 'a@example.com', plan: 'pro' });
    await analytics.track('Bought');
    analytics.reset();
    await analytics.identify('b', { email: 'b@example.com' });
    await analytics.track('Bought');
  });
  visit.release('tracker');
  const sent = await sentCount(visit, 3);
  const [view, first, second] = sent;
  assert.equal(view.initial, true);
  assert.deepEqual(first.identity, { email: 'a@example.com', plan: 'pro', id: 'a' });
  assert.deepEqual(second.identity, { email: 'b@example.com', id: 'b' }, "nothing of the first person's identity");
  assert.equal(second.resetVisitor, true);
  assert.notEqual(second.visitor, first.visitor, 'a new visitor at HubSpot');
  assert.deepEqual(visit.errors, []);
});
