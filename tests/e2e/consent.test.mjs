// Segment Consent Management end to end: analytics-next wrapped by Segment's REAL consent wrapper
// (@segment/analytics-consent-tools' createWrapper, opt-in and opt-out), a CMP stub or HubSpot's
// own cookie banner as the consent source, our plugin beside a second destination (the Recorder),
// and HubSpot's tracker and banner emulated (tests/e2e/fixtures/consent.js, consent.html).
//
// The plugin's rule (its consent categories: `consentCategories` in code, else the workspace's
// consentSettings.categories): no categories, not governed. With categories, an event without
// context.consent flows; with one, every category must be true in categoryPreferences. Blocked
// events never reach _hsq and are not held. Until the first event that passes, nothing of HubSpot
// is loaded; a later failing event (or 'Segment Consent Preference Updated' that fails) tells the
// running tracker ['doNotTrack'], a passing one ['doNotTrack', { track: true }].
//
// Every test asserts what HubSpot's servers received (window.__hubspot.sent) and which requests
// went to HubSpot's hosts. A short fixed wait appears only to show that something did NOT happen
// (NOTHING_MORE), after the events in question were delivered to every destination.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
// A broken build must fail a test, not hang the run.
const LIMIT = { timeout: 30_000 };
const PAGE = '/tests/e2e/fixtures/consent.html';
const PORTAL = '62515';
const WRITE_KEY = 'e2e-write-key';
const TRACKER_URL = `https://js.hs-scripts.com/${PORTAL}.js`;
const CONSENT_EVENT = 'Segment Consent Preference Updated';
/** How long to keep watching for something that must not happen. */
const NOTHING_MORE = 400;

/** The name HubSpot receives for track(event): pe<portal>_<event lower-cased, non [a-z0-9] as _>. */
const hubspotName = (event) => `pe${PORTAL}_${event.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;

/** The settings Segment's CDN serves: Segment.io, and HubSpot under `name` when given. */
function workspace(name, settings) {
  const integrations = { 'Segment.io': { apiKey: WRITE_KEY } };
  if (name) integrations[name] = settings;
  return { integrations, remotePlugins: [] };
}

/** Opens the consent fixture with Segment's CDN serving `settings` (default: Segment.io only). */
async function open({ settings = workspace(), ...visitOptions } = {}) {
  const visit = await harness.open(PAGE, { segment: { settings }, ...visitOptions });
  await visit.page.waitForFunction(() => window.consentFixture, null, { timeout: 10_000 });
  return visit;
}

/** Opens the fixture and starts the site: consentFixture.start(start). */
async function site(start, visitOptions) {
  const visit = await open(visitOptions);
  await visit.page.evaluate((start) => consentFixture.start(start), start);
  return visit;
}

/** track(event) awaited: delivered to every destination (ours and the Recorder) when it resolves. */
function track(visit, event, options) {
  return visit.page.evaluate(
    ([event, options]) => analytics.track(event, { step: event }, options).then(() => undefined),
    [event, options ?? {}],
  );
}

function page(visit) {
  return visit.page.evaluate(() => analytics.page().then(() => undefined));
}

function identify(visit) {
  return visit.page.evaluate(() => analytics.identify('ann-1', { email: 'ann@example.com' }).then(() => undefined));
}

/** The visitor saves a new choice in the CMP stub (the wrapper then tracks CONSENT_EVENT). */
function change(visit, categories) {
  return visit.page.evaluate((categories) => consentFixture.change(categories), categories);
}

/** Waits until HubSpot's servers received the custom event for track(event); resolves to it. */
function reached(visit, event) {
  return visit.until((name) => window.__hubspot?.sent.find((s) => s.kind === 'customEvent' && s.name === name), hubspotName(event));
}

/** The names of the custom events HubSpot's servers received, in order. */
async function customEvents(visit) {
  return (await visit.sent()).filter((s) => s.kind === 'customEvent').map((s) => s.name);
}

/** The commands of ours the tracker processed (its own setPortalId / automatic trackPageView and function entries left out). */
async function ourCommands(visit) {
  const log = await visit.hubspot();
  if (!log) return [];
  return log.commands.filter(
    ([name], i) =>
      name !== '<function>' &&
      name !== 'setPortalId' &&
      !(name === 'trackPageView' && i === log.commands.findIndex(([n]) => n === 'trackPageView')),
  );
}

/** The names of the custom events sent to _hsq, processed by the tracker or still queued. */
function hsqEventNames(visit) {
  return visit.page.evaluate(() => {
    const processed = window.__hubspot?.commands ?? [];
    const queued = Array.isArray(window._hsq) ? window._hsq.filter(Array.isArray) : [];
    return [...processed, ...queued].filter(([name]) => name === 'trackCustomBehavioralEvent').map(([, e]) => e?.name);
  });
}

/** Cookies of HubSpot's on the page (tracker, banner, doNotTrack). */
async function hubspotCookies(visit) {
  return (await visit.context.cookies())
    .map((c) => c.name)
    .filter((n) => /^(__hs|hubspotutk|messagesUtk)/.test(n))
    .sort();
}

function doNotTrackCookie(visit) {
  return visit.page.evaluate(() => /(^|;)\s*__hs_do_not_track=yes/.test(document.cookie));
}

/** HubSpot script elements on the page. */
function hubspotScripts(visit) {
  return visit.page.evaluate(() =>
    [...document.scripts].map((s) => s.src).filter((src) => /hs-scripts\.com|hs-analytics\.net|hsforms\.net|hs-banner\.com/.test(src)),
  );
}

/** What the Recorder received, by event: [{ event, consent }]. */
async function recordedConsent(visit) {
  return (await visit.recorded()).map((e) => ({ type: e.type, event: e.event ?? null, consent: e.consent }));
}

function loadOutcome(visit) {
  return visit.until(() => consentFixture.loads[0]?.state !== 'pending' && consentFixture.loads[0]);
}

const wait = (ms) => new Promise((ok) => setTimeout(ok, ms));
const prefs = (categoryPreferences) => ({ categoryPreferences });

// ---- Controls: what holds with or without the plugin's consent features ----

test(
  'control: a plugin with no consent categories is not governed: denied consent in opt-in and opt-out, every event reaches HubSpot',
  LIMIT,
  async () => {
    for (const model of ['opt-in', 'opt-out']) {
      const visit = await site({ model, categories: { C0002: false }, plugin: { portalId: PORTAL } });
      await page(visit);
      await track(visit, 'Denied But Ungoverned');
      await reached(visit, 'Denied But Ungoverned');

      assert.deepEqual(
        visit.requestsTo('tracker').map((r) => r.url),
        [TRACKER_URL],
        model,
      );
      assert.deepEqual(
        (await recordedConsent(visit)).map((e) => e.consent),
        [prefs({ C0002: false }), prefs({ C0002: false })],
        model,
      );
      assert.deepEqual(visit.errors, [], model);
      assert.deepEqual(visit.unexpectedRequests, [], model);
      await visit.close();
    }
  },
);

test(
  "control: the consent wrapper stamps events and sends 'Segment Consent Preference Updated' to Segment on a CMP change",
  LIMIT,
  async () => {
    const visit = await site({ model: 'opt-out', categories: { C0002: true, C0004: false }, plugin: { portalId: PORTAL } });
    await track(visit, 'First');
    await change(visit, { C0002: false, C0004: true });
    const updated = await visit.segmentEvent(CONSENT_EVENT);
    assert.deepEqual(updated.context.consent.categoryPreferences, { C0002: false, C0004: true });
    await visit.until(() => window.__recorded.some((e) => e.event === 'Segment Consent Preference Updated'));
    assert.deepEqual(await recordedConsent(visit), [
      { type: 'track', event: 'First', consent: prefs({ C0002: true, C0004: false }) },
      { type: 'track', event: CONSENT_EVENT, consent: prefs({ C0002: false, C0004: true }) },
    ]);
    assert.deepEqual(visit.errors, []);
  },
);

// ---- 1. Opt-in, consent denied ----

test(
  'opt-in, consent denied: load() resolves, nothing of HubSpot loads (no tracker, no banner, no _hsq, no cookie), the Recorder still gets every event',
  LIMIT,
  async () => {
    const visit = await site({
      model: 'opt-in',
      categories: { C0002: false, C0004: true },
      plugin: { portalId: PORTAL, consentCategories: ['C0002'] },
    });
    assert.deepEqual(await loadOutcome(visit), { state: 'resolved', message: null });

    await page(visit);
    await identify(visit);
    await track(visit, 'Denied Event');
    await wait(NOTHING_MORE);

    assert.deepEqual(visit.requestsTo('tracker'), []);
    assert.deepEqual(visit.requestsTo('banner'), []);
    assert.deepEqual(visit.requestsTo('forms'), []);
    assert.deepEqual(await hubspotScripts(visit), []);
    assert.equal(await visit.hubspot(), null, 'HubSpot tracker never ran');
    assert.deepEqual(await visit.page.evaluate(() => (window._hsq ?? []).length), 0, 'no _hsq commands');
    assert.deepEqual(await hubspotCookies(visit), []);
    assert.equal(await visit.page.evaluate(() => consentFixture.plugin.isLoaded()), false);

    const denied = prefs({ C0002: false, C0004: true });
    assert.deepEqual(await recordedConsent(visit), [
      { type: 'page', event: null, consent: denied },
      { type: 'identify', event: null, consent: denied },
      { type: 'track', event: 'Denied Event', consent: denied },
    ]);
    assert.deepEqual(visit.errors, []);
    assert.deepEqual(visit.unexpectedRequests, []);
  },
);

// ---- 2. Opt-in, granted later ----

test(
  "opt-in, granted later: the CMP change ('Segment Consent Preference Updated') loads the tracker, events from then on reach HubSpot, none from before",
  LIMIT,
  async () => {
    const visit = await site({ model: 'opt-in', categories: { C0002: false }, plugin: { portalId: PORTAL, consentCategories: ['C0002'] } });
    await page(visit);
    await identify(visit);
    await track(visit, 'Before Consent');
    await wait(NOTHING_MORE);
    assert.deepEqual(visit.requestsTo('tracker'), [], 'nothing loaded before consent');

    await change(visit, { C0002: true });
    const updated = await visit.segmentEvent(CONSENT_EVENT);
    assert.deepEqual(updated.context.consent.categoryPreferences, { C0002: true });
    // HubSpot's tracker starts and sends its own automatic page view.
    await visit.until(() => window.__hubspot?.sent.some((s) => s.initial && s.kind === 'pageView'));

    await track(visit, 'After Consent');
    const after = await reached(visit, 'After Consent');
    await wait(NOTHING_MORE);

    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [TRACKER_URL],
    );
    assert.equal((await visit.hubspot()).loads, 1);
    assert.deepEqual(
      await customEvents(visit),
      [hubspotName('After Consent')],
      'nothing from before consent, and never the consent event itself',
    );
    assert.deepEqual(await hsqEventNames(visit), [hubspotName('After Consent')]);
    // The identify before consent was blocked, not held: HubSpot never learns that identity.
    assert.equal(after.identity, null);
    assert.ok(
      (await visit.sent()).every((s) => s.identity === null),
      'no request carries the blocked identity',
    );
    assert.equal((await visit.sent()).filter((s) => s.initial).length, 1, "HubSpot's own automatic page view, once");
    assert.deepEqual(after.properties, { step: 'After Consent' });
    assert.deepEqual(
      (await visit.recorded()).map((e) => e.event ?? e.type),
      ['page', 'identify', 'Before Consent', CONSENT_EVENT, 'After Consent'],
    );
    assert.deepEqual(visit.errors, []);
    assert.deepEqual(visit.unexpectedRequests, []);
  },
);

// ---- 3. Opt-out, withdrawn mid-session ----

test(
  'opt-out, consent withdrawn mid-session: events before reach HubSpot, after the withdrawal none (doNotTrack, no request), granting again resumes',
  LIMIT,
  async () => {
    const visit = await site({
      model: 'opt-out',
      categories: { C0002: true, C0004: false },
      plugin: { portalId: PORTAL, consentCategories: ['C0002'] },
    });
    await page(visit);
    await track(visit, 'Before Withdrawal');
    await reached(visit, 'Before Withdrawal');
    // The first page call passed: HubSpot's own automatic page view carries its path.
    const initial = (await visit.sent()).find((s) => s.initial);
    assert.equal(initial?.path, '/tests/e2e/fixtures/consent.html');

    await change(visit, { C0002: false, C0004: false });
    await visit.segmentEvent(CONSENT_EVENT);
    await visit.until(() => window.__hubspot.commands.some((c) => c.length === 1 && c[0] === 'doNotTrack'));
    assert.equal(await doNotTrackCookie(visit), true, 'HubSpot told not to track');
    const sentAtWithdrawal = (await visit.sent()).length;

    await track(visit, 'While Withdrawn');
    await identify(visit);
    await wait(NOTHING_MORE);
    assert.equal((await visit.sent()).length, sentAtWithdrawal, 'no request at all while withdrawn');
    assert.ok(!(await hsqEventNames(visit)).includes(hubspotName('While Withdrawn')), 'a blocked event never reaches _hsq');

    await change(visit, { C0002: true, C0004: false });
    await visit.until(() => window.__hubspot.commands.some((c) => c[0] === 'doNotTrack' && c[1]?.track === true));
    assert.equal(await doNotTrackCookie(visit), false);
    await track(visit, 'After Regrant');
    const after = await reached(visit, 'After Regrant');
    await wait(NOTHING_MORE);

    assert.deepEqual(await customEvents(visit), [hubspotName('Before Withdrawal'), hubspotName('After Regrant')]);
    assert.equal(after.identity, null, 'the identify while withdrawn was not held for later');
    const ours = (await ourCommands(visit)).filter(
      ([name]) => name === 'doNotTrack' || name === 'trackCustomBehavioralEvent' || name === 'identify',
    );
    assert.deepEqual(ours, [
      ['trackCustomBehavioralEvent', { name: hubspotName('Before Withdrawal'), properties: { step: 'Before Withdrawal' } }],
      ['doNotTrack'],
      ['doNotTrack', { track: true }],
      ['trackCustomBehavioralEvent', { name: hubspotName('After Regrant'), properties: { step: 'After Regrant' } }],
    ]);
    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [TRACKER_URL],
    );
    assert.deepEqual(
      (await recordedConsent(visit)).map((e) => [e.event ?? e.type, e.consent.categoryPreferences.C0002]),
      [
        ['page', true],
        ['Before Withdrawal', true],
        [CONSENT_EVENT, false],
        ['While Withdrawn', false],
        ['identify', false],
        [CONSENT_EVENT, true],
        ['After Regrant', true],
      ],
    );
    assert.deepEqual(visit.errors, []);
    assert.deepEqual(visit.unexpectedRequests, []);
  },
);

test(
  'opt-out, withdrawn by a later event alone (the CMP says nothing): that event and the next are blocked with doNotTrack, passing again resumes',
  LIMIT,
  async () => {
    const visit = await site({ model: 'opt-out', categories: { C0002: true }, plugin: { portalId: PORTAL, consentCategories: ['C0002'] } });
    await track(visit, 'Granted');
    await reached(visit, 'Granted');

    // The CMP's answer changes without a consent-changed callback: the wrapper stamps the next event.
    await visit.page.evaluate(() => {
      consentFixture.categories = { C0002: false };
    });
    await track(visit, 'Silently Withdrawn');
    await visit.until(() => window.__hubspot.commands.some((c) => c.length === 1 && c[0] === 'doNotTrack'));
    assert.equal(await doNotTrackCookie(visit), true);
    await track(visit, 'Still Withdrawn');

    await visit.page.evaluate(() => {
      consentFixture.categories = { C0002: true };
    });
    await track(visit, 'Granted Again');
    await reached(visit, 'Granted Again');
    await wait(NOTHING_MORE);

    assert.deepEqual(await customEvents(visit), [hubspotName('Granted'), hubspotName('Granted Again')]);
    assert.deepEqual(await hsqEventNames(visit), [hubspotName('Granted'), hubspotName('Granted Again')]);
    assert.deepEqual(
      (await ourCommands(visit)).filter(([n]) => n === 'doNotTrack'),
      [['doNotTrack'], ['doNotTrack', { track: true }]],
    );
    assert.deepEqual(visit.errors, []);
  },
);

// ---- 4. No consent object ----

test('no consent wrapper at all, consentCategories set: events without a consent object flow to HubSpot', LIMIT, async () => {
  const visit = await site({ model: null, plugin: { portalId: PORTAL, consentCategories: ['C0002'] } });
  await page(visit);
  await identify(visit);
  await track(visit, 'No Consent Object');
  const event = await reached(visit, 'No Consent Object');

  assert.equal(event.identity?.email, 'ann@example.com');
  assert.deepEqual(
    visit.requestsTo('tracker').map((r) => r.url),
    [TRACKER_URL],
  );
  assert.deepEqual(
    (await visit.recorded()).map((e) => e.consent),
    [null, null, null],
  );
  assert.equal(await doNotTrackCookie(visit), false);
  assert.deepEqual(visit.errors, []);
});

test(
  'consent objects given by hand on each event: empty, malformed or throwing ones block (doNotTrack), all-true ones and none pass',
  LIMIT,
  async () => {
    const visit = await site({ model: null, plugin: { portalId: PORTAL, consentCategories: ['C0002', 'C0004'] } });
    // A consent object whose getter throws, on one event only.
    await visit.page.evaluate(() =>
      analytics.addSourceMiddleware(({ payload, next }) => {
        if (payload.obj.event === 'Throwing Consent') {
          Object.defineProperty(payload.obj.context, 'consent', {
            enumerable: true,
            configurable: true,
            get() {
              throw new Error('consent getter');
            },
          });
        }
        next(payload);
      }),
    );
    const steps = [
      ['No Consent', undefined, true],
      ['Empty Preferences', { consent: prefs({}) }, false],
      ['No Consent Again', undefined, true],
      ['One Category Missing', { consent: prefs({ C0002: true }) }, false],
      ['All True', { consent: prefs({ C0002: true, C0004: true, C0003: false }) }, true],
      ['Malformed Consent', { consent: 'granted' }, false],
      ['All True Again', { consent: prefs({ C0002: true, C0004: true }) }, true],
      ['Null Preferences', { consent: { categoryPreferences: null } }, false],
      ['Truthy Not True', { consent: prefs({ C0002: 'true', C0004: 1 }) }, false],
      ['Passing Once More', { consent: prefs({ C0002: true, C0004: true }) }, true],
      ['Throwing Consent', undefined, false],
      ['Last', undefined, true],
    ];
    for (const [event, options, passes] of steps) {
      await track(visit, event, options);
      if (passes) await reached(visit, event);
      else await visit.until(() => /(^|;)\s*__hs_do_not_track=yes/.test(document.cookie));
    }
    await wait(NOTHING_MORE);

    // Every event was delivered to the destinations (the Recorder has them all, the throwing getter
    // included): the blocking is the plugin's.
    const recorded = await visit.recorded();
    assert.deepEqual(
      recorded.map((e) => e.event),
      steps.map(([event]) => event),
    );
    assert.match(recorded.find((e) => e.event === 'Throwing Consent').consent, /threw: consent getter/);
    const passing = steps.filter(([, , passes]) => passes).map(([event]) => hubspotName(event));
    assert.deepEqual(await customEvents(visit), passing);
    assert.deepEqual(await hsqEventNames(visit), passing, 'blocked events never reach _hsq');
    // Each run of blocked events (5: the two in a row count once) between passing ones: doNotTrack
    // before it, track: true after it (a repeated push of the same state would be harmless).
    const switches = (await ourCommands(visit))
      .filter(([n]) => n === 'doNotTrack')
      .map(([, o]) => (o?.track === true ? 'track' : 'doNotTrack'));
    assert.deepEqual(
      switches.filter((s, i) => s !== switches[i - 1]),
      Array(5).fill(['doNotTrack', 'track']).flat(),
    );
    assert.deepEqual(visit.errors, []);
  },
);

// ---- 5. Where the categories come from ----

test('consentCategories in code govern a plugin whose workspace HubSpot settings have no consentSettings', LIMIT, async () => {
  const visit = await site(
    { model: 'opt-out', categories: { C0002: false, C0004: true }, plugin: { consentCategories: ['C0002'] } },
    { settings: workspace('HubSpot', { portalId: PORTAL }) },
  );
  await page(visit);
  await track(visit, 'Denied By Code');
  await wait(NOTHING_MORE);
  assert.deepEqual(visit.requestsTo('tracker'), [], 'denied: nothing of HubSpot loads');
  assert.equal(await visit.hubspot(), null);

  await change(visit, { C0002: true, C0004: true });
  await track(visit, 'Granted By Code');
  await reached(visit, 'Granted By Code');
  assert.deepEqual(await customEvents(visit), [hubspotName('Granted By Code')]);
  assert.deepEqual(
    visit.requestsTo('tracker').map((r) => r.url),
    [TRACKER_URL],
    'the portal from the workspace',
  );
  assert.deepEqual(visit.errors, []);
});

for (const name of ['HubSpot', 'HubSpot Web (Actions)']) {
  test(`the workspace's ${name} consentSettings.categories govern when the code gives none`, LIMIT, async () => {
    const visit = await site(
      { model: 'opt-out', categories: { C0002: false, C0004: true }, plugin: {} },
      { settings: workspace(name, { portalId: PORTAL, consentSettings: { categories: ['C0002'] } }) },
    );
    await page(visit);
    await track(visit, 'Denied By Workspace');
    await wait(NOTHING_MORE);
    assert.deepEqual(visit.requestsTo('tracker'), [], 'denied: nothing of HubSpot loads');
    assert.equal(await visit.hubspot(), null);
    assert.equal((await loadOutcome(visit)).state, 'resolved');

    await change(visit, { C0002: true, C0004: false });
    await track(visit, 'Granted By Workspace');
    await reached(visit, 'Granted By Workspace');
    assert.deepEqual(await customEvents(visit), [hubspotName('Granted By Workspace')]);
    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [TRACKER_URL],
    );
    assert.deepEqual(visit.errors, []);
  });
}

test("consentCategories in code win over the workspace's consentSettings.categories", LIMIT, async () => {
  // The workspace asks for C0002 (denied), the code for C0004 (granted): the code's rule applies.
  const visit = await site(
    { model: 'opt-out', categories: { C0002: false, C0004: true }, plugin: { consentCategories: ['C0004'] } },
    { settings: workspace('HubSpot', { portalId: PORTAL, consentSettings: { categories: ['C0002'] } }) },
  );
  await track(visit, 'Code Rule');
  await reached(visit, 'Code Rule');
  // And the other way round: the workspace's category granted, the code's denied: blocked.
  await change(visit, { C0002: true, C0004: false });
  await visit.until(() => /(^|;)\s*__hs_do_not_track=yes/.test(document.cookie));
  await track(visit, 'Workspace Rule');
  await wait(NOTHING_MORE);
  assert.deepEqual(await customEvents(visit), [hubspotName('Code Rule')]);
  assert.deepEqual(
    visit.requestsTo('tracker').map((r) => r.url),
    [TRACKER_URL],
  );
  assert.deepEqual(visit.errors, []);
});

// ---- 6. HubSpot's cookie banner as the CMP ----

test(
  "HubSpot's banner as the CMP (OPT_IN, no choice yet): events stamped all-false and kept from HubSpot until the visitor chooses; then stamped from the choice, the update sent to Segment, events reach HubSpot; one tracker script",
  LIMIT,
  async () => {
    const visit = await open();
    await visit.page.evaluate(() => {
      window.__hubspotBannerPolicy = { mode: 'OPT_IN', choice: null };
    });
    await visit.page.evaluate(
      (portalId) => consentFixture.startBanner({ portalId, plugin: { portalId, consentCategories: ['C0002'] } }),
      PORTAL,
    );
    // hubspotBannerConsent loads HubSpot's tracking code at once (it brings the banner).
    await visit.until(() => window.__hubspotBanner && window.__hubspot);
    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [TRACKER_URL],
    );

    await page(visit);
    await track(visit, 'Before Choice');
    await wait(NOTHING_MORE);
    assert.deepEqual(await customEvents(visit), [], 'nothing of ours reaches HubSpot before the choice');
    assert.deepEqual(await hsqEventNames(visit), []);
    const none = prefs({ C0002: false, C0004: false, C0003: false });
    assert.deepEqual(await recordedConsent(visit), [
      { type: 'page', event: null, consent: none },
      { type: 'track', event: 'Before Choice', consent: none },
    ]);

    await visit.page.evaluate(() => window.__hubspotBanner.choose({ analytics: true, advertisement: false, functionality: true }));
    const chosen = { C0002: true, C0004: false, C0003: true };
    const updated = await visit.segmentEvent(CONSENT_EVENT);
    assert.deepEqual(updated.context.consent.categoryPreferences, chosen);

    await track(visit, 'After Choice');
    const after = await reached(visit, 'After Choice');
    await wait(NOTHING_MORE);

    assert.equal(after.consentAllowed, true);
    assert.deepEqual(await customEvents(visit), [hubspotName('After Choice')]);
    const recorded = await recordedConsent(visit);
    assert.deepEqual(recorded.slice(2), [
      { type: 'track', event: CONSENT_EVENT, consent: prefs(chosen) },
      { type: 'track', event: 'After Choice', consent: prefs(chosen) },
    ]);
    // One tracker script: the plugin found HubSpot's on the page and injected no other.
    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [TRACKER_URL],
    );
    assert.equal((await visit.hubspot()).loads, 1);
    assert.equal((await hubspotScripts(visit)).filter((src) => src.includes('hs-scripts.com')).length, 1);
    assert.equal((await visit.banner()).loads, 1);
    assert.ok((await visit.banner()).commands.some(([name, arg]) => name === 'addPrivacyConsentListener' && arg === '<function>'));
    assert.deepEqual(visit.errors, []);
    assert.deepEqual(visit.unexpectedRequests, []);
  },
);

test(
  "HubSpot's banner as the CMP, a choice already made (all granted): events reach HubSpot; a later choice without analytics withdraws them (doNotTrack)",
  LIMIT,
  async () => {
    const visit = await open();
    await visit.page.evaluate(() => {
      window.__hubspotBannerPolicy = { mode: 'OPT_IN', choice: { analytics: true, advertisement: true, functionality: true } };
    });
    await visit.page.evaluate(
      (portalId) => consentFixture.startBanner({ portalId, plugin: { portalId, consentCategories: ['C0002'] } }),
      PORTAL,
    );
    await track(visit, 'Chosen Before');
    await reached(visit, 'Chosen Before');
    assert.deepEqual((await visit.recorded())[0].consent, prefs({ C0002: true, C0004: true, C0003: true }));

    await visit.page.evaluate(() => window.__hubspotBanner.choose({ analytics: false, advertisement: false, functionality: true }));
    const updated = await visit.until(() => window.__recorded.find((e) => e.event === 'Segment Consent Preference Updated'));
    assert.deepEqual(updated.consent, prefs({ C0002: false, C0004: false, C0003: true }));
    await visit.until(() => window.__hubspot.commands.some((c) => c.length === 1 && c[0] === 'doNotTrack'));
    const sentAtWithdrawal = (await visit.sent()).length;
    await track(visit, 'Declined After');
    await wait(NOTHING_MORE);

    assert.equal((await visit.sent()).length, sentAtWithdrawal, 'no request after the withdrawal');
    assert.deepEqual(await customEvents(visit), [hubspotName('Chosen Before')]);
    assert.deepEqual(await hsqEventNames(visit), [hubspotName('Chosen Before')]);
    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [TRACKER_URL],
    );
    assert.deepEqual(visit.errors, []);
  },
);
