// Loading (README, Loading and CSP) through the real client: which HubSpot hosts the plugin loads from, the Forms SDK, and
// what a page sees when HubSpot's script is blocked or already present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();

async function start(visit, settings) {
  await visit.page.evaluate((s) => fixture.start(s), settings);
}

const REGIONS = [
  { settings: { region: 'na1' }, tracker: 'https://js.hs-scripts.com/62515.js', forms: 'https://js.hsforms.net/forms/embed/v2.js' },
  { settings: { region: 'eu1' }, tracker: 'https://js-eu1.hs-scripts.com/62515.js', forms: 'https://js-eu1.hsforms.net/forms/embed/v2.js' },
  {
    settings: { enableEuropeanDataCenter: true },
    tracker: 'https://js-eu1.hs-scripts.com/62515.js',
    forms: 'https://js-eu1.hsforms.net/forms/embed/v2.js',
  },
  { settings: { region: 'na2' }, tracker: 'https://js-na2.hs-scripts.com/62515.js', forms: 'https://js-na2.hsforms.net/forms/embed/v2.js' },
  { settings: { region: 'ap1' }, tracker: 'https://js-ap1.hs-scripts.com/62515.js', forms: 'https://js-ap1.hsforms.net/forms/embed/v2.js' },
];

for (const { settings, tracker, forms } of REGIONS) {
  test(`data centre ${JSON.stringify(settings)}: tracker from ${new URL(tracker).host}, forms from ${new URL(forms).host}`, async () => {
    const visit = await harness.openFixture('app');
    await start(visit, { portalId: ' 62515 ', loadFormsSdk: true, ...settings });
    await visit.page.evaluate(() => fixture.loaded());
    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [tracker],
    );
    assert.deepEqual(
      visit.requestsTo('forms').map((r) => r.url),
      [forms],
    );
    const loader = await visit.page.evaluate(() => {
      const s = document.getElementById('hs-script-loader');
      return s && { src: s.src, async: s.async, defer: s.defer };
    });
    assert.deepEqual(loader, { src: tracker, async: true, defer: true });
    assert.equal((await visit.hubspot()).portalId, '62515');
    assert.deepEqual(visit.unexpectedRequests, []);
  });
}

test('Forms SDK: after analytics.ready(), hbspt.forms.create renders a working form', async () => {
  const visit = await harness.openFixture('app', { forms: 'hold' });
  await start(visit, { portalId: '62515', loadFormsSdk: true });
  // The SDK is held back for a moment so that ready() has something to wait for.
  await visit.page.evaluate(() => {
    window.formsAtReady = analytics.ready().then(() => typeof window.hbspt?.forms?.create);
  });
  await visit.until(() => document.querySelector('script[src*="hsforms.net"]'));
  await new Promise((ok) => setTimeout(ok, 200));
  visit.release('forms');
  assert.equal(await visit.page.evaluate(() => window.formsAtReady), 'function', 'hbspt.forms.create exists when ready() resolves');

  await visit.page.evaluate(() => hbspt.forms.create({ portalId: '62515', formId: 'demo-form', target: '#form-target' }));
  await visit.page.fill('#form-target input[name=email]', 'forms@example.com');
  await visit.page.click('#form-target .hs-button');
  const log = await visit.forms();
  assert.deepEqual(
    log.submissions.map((s) => s.values.email),
    ['forms@example.com'],
  );
  assert.equal(log.loads, 1);
});

test('a blocked tracker: analytics keeps working, the page sees no exception, the forms still load', async () => {
  const visit = await harness.openFixture('app', { tracker: 'abort' });
  await start(visit, { portalId: '62515', loadFormsSdk: true });
  await visit.page.evaluate(async () => {
    await analytics.page();
    await analytics.identify('user-3', { email: 'blocked@example.com' });
    await analytics.track('Clicked Buy', { sku: 'A-1' });
  });
  // The plugin's load() rejects naming the URL; analytics-next reports that and carries on.
  await visit.warning('https://js.hs-scripts.com/62515.js');
  const segment = await visit.segmentEvent('Clicked Buy');
  assert.equal(segment.properties.sku, 'A-1', 'the event still reached Segment');
  await visit.page.evaluate(async () => {
    await analytics.track('After The Failure');
  });
  await visit.segmentEvent('After The Failure');

  assert.deepEqual(visit.errors, [], 'no uncaught exception or unhandled rejection');
  assert.equal(await visit.page.evaluate(() => window.__hubspot ?? null), null, 'HubSpot never ran');
  assert.equal(await visit.page.evaluate(() => fixture.plugin.isLoaded()), false);
  await visit.until(() => typeof window.hbspt?.forms?.create === 'function');
});

test('a page that already embeds HubSpot keeps its tracker: nothing is injected twice', async () => {
  const visit = await harness.openFixture('app');
  await visit.page.evaluate(() => {
    // HubSpot's own embed code, as a site pastes it.
    const s = document.createElement('script');
    s.id = 'hs-script-loader';
    s.async = true;
    s.defer = true;
    s.src = '//js.hs-scripts.com/62515.js';
    document.body.append(s);
  });
  await start(visit, { portalId: '62515' });
  await visit.page.evaluate(() => fixture.loaded());
  await visit.page.evaluate(async () => {
    await analytics.track('Existing Tracker Used');
  });
  // A custom behavioral event now (the plugin's default), sent by the page's own tracker.
  await visit.until(() => window.__hubspot.sent.some((s) => s.kind === 'customEvent' && s.name === 'pe62515_existing_tracker_used'));
  const sent = await visit.sent();
  assert.equal(sent.filter((s) => s.initial).length, 1, "one automatic page view: the page's tracker ran once");
  assert.equal(sent.filter((s) => s.kind === 'customEvent').length, 1, 'the event reached HubSpot once');
  assert.equal(visit.requestsTo('tracker').length, 1);
  assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-scripts.com"]').length), 1);
  assert.equal((await visit.hubspot()).loads, 1);
});

// With the wasm not yet running the settings are checked when it starts, so
// load() rejects with the Error; with the wasm already running hubspotPlugin() throws it at once.
test('invalid settings: load() rejects with an Error naming the setting (or hubspotPlugin() throws once the wasm runs); nothing injected', async () => {
  const visit = await harness.openFixture('app');
  const [rejected, thrown] = await visit.page.evaluate(async () => {
    const describe = (e) => (e instanceof Error ? e.message : `not an Error: ${e}`);
    let rejected = null;
    try {
      await fixture.hubspotPlugin({ portalId: '62-515' }).load({}, undefined);
    } catch (e) {
      rejected = describe(e);
    }
    await fixture.init();
    let thrown = null;
    try {
      fixture.hubspotPlugin({ portalId: '62-515' });
    } catch (e) {
      thrown = describe(e);
    }
    return [rejected, thrown];
  });
  for (const message of [rejected, thrown]) {
    assert.ok(message, 'an Error was given');
    assert.match(message, /portalId/);
    assert.match(message, /62-515/);
  }
  // The same message either way but for the package's name, which analytics-next's log of a
  // destination's failed load() gives already (console.warn(plugin.name, error)).
  assert.equal(`hubspot-wasm: ${rejected}`, thrown, 'the same Error either way');
  assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-scripts.com"]').length), 0);
  assert.deepEqual(visit.requestsTo('tracker'), []);
  assert.deepEqual(visit.errors, []);
});
