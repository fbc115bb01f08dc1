// README, Settings and Consent and privacy: server credentials never leave the settings object, and the consent controls
// reach HubSpot's queues in HubSpot's words.
//
// Secrets: with `apiKey` / `privateAppToken` set to unique markers, a whole session (analytics-next
// with Segment's delivery on, the tracker, the Forms SDK, identify/track/page, consent calls, an
// invalid-settings attempt) is recorded, and the markers must appear in no request (URL, headers,
// body), no DOM attribute or text, no storage, no `_hsq`/`_hsp` entry, no console line and no
// error message. Exactly one console.warn mentions the credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const PORTAL = '62515';
const API_KEY = 'MARKER-apikey-7f3a91c2';
const APP_TOKEN = 'MARKER-pat-na1-5e0b44d8';
const MARKERS = [API_KEY, APP_TOKEN, 'MARKER-'];

/** The native ES-module fixture, its analytics-next started with `settings`, the tracker running. */
async function loadedEsm(settings, { recordRequests } = {}) {
  const visit = await harness.openFixture('esm');
  if (recordRequests) {
    visit.allRequests = [];
    visit.page.on('request', (request) => visit.allRequests.push(request));
  }
  await visit.page.evaluate((s) => fixture.start(s), settings);
  await visit.page.evaluate(() => fixture.loaded());
  return visit;
}

const leaks = (text) => MARKERS.filter((m) => String(text).includes(m));

/** The HubSpot custom behavioral event name the plugin sends for a Segment event name. */
const eventName = (event) => `pe${PORTAL}_${event.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;

/** Page side: the consent commands (_hsp) HubSpot's cookie banner processed, in order (the tracker's own listeners left out). */
function consentCommands() {
  return (window.__hubspotBanner?.commands ?? []).filter(([name]) => ['setHubSpotConsent', 'revokeCookieConsent'].includes(name));
}

test("apiKey and privateAppToken never reach a request, the DOM, storage, HubSpot's queues or the console", async () => {
  const visit = await loadedEsm(
    { portalId: PORTAL, loadFormsSdk: true, apiKey: API_KEY, privateAppToken: APP_TOKEN, nonce: 'n0nce' },
    { recordRequests: true },
  );
  const thrown = await visit.page.evaluate(async () => {
    await analytics.page();
    await analytics.identify('user-1', { email: 'secret-test@example.com', plan: 'pro' });
    await analytics.track('Checked Secrets', { n: 1 });
    await analytics.page('Pricing');
    fixture.plugin.setConsent({ analytics: true, advertisement: false, functionality: true });
    fixture.plugin.revokeCookieConsent();
    hbspt.forms.create({ portalId: '62515', formId: 'f1', target: '#form-target' });
    // Invalid settings beside the credentials: the error names the bad setting, never the secrets.
    const { hubspotPlugin } = await import('/pkg/hubspot_wasm.js');
    const messages = [];
    for (const bad of [
      { portalId: 'not-digits' },
      { portalId: '62515', region: 'mars' },
      { portalId: '62515', loadTimeoutMs: -1 },
      { portalId: '62515', trackerUrl: 'javascript:alert(1)' },
      { portalId: '62515', loadFormsSdk: 'yes' },
    ]) {
      try {
        hubspotPlugin({ ...bad, apiKey: 'MARKER-apikey-7f3a91c2', privateAppToken: 'MARKER-pat-na1-5e0b44d8' });
        messages.push('(no error)');
      } catch (e) {
        messages.push(e.message);
      }
    }
    return messages;
  });
  await visit.until((name) => window.__hubspot.sent.some((s) => s.name === name), eventName('Checked Secrets'));
  // Both consent calls processed by HubSpot's banner (the revoke's k=30 request sent), so its log is checked too.
  await visit.until(() => window.__hubspot.sent.some((s) => s.kind === 'revokeConsent'));
  await visit.until(() => document.querySelector('#form-target form'));
  await visit.segmentEvent('Checked Secrets'); // Segment's own delivery ran too

  // Errors: each names its setting, none carries a credential.
  assert.equal(thrown.length, 5);
  for (const message of thrown) {
    assert.match(message, /invalid setting/);
    assert.deepEqual(leaks(message), [], message);
  }

  // Every request of the session: URL, headers, body.
  assert.ok(visit.allRequests.length > 0);
  const hosts = new Set();
  for (const request of visit.allRequests) {
    hosts.add(new URL(request.url()).host);
    const headers = await request.allHeaders().catch(() => request.headers());
    const seen = [request.url(), JSON.stringify(headers), request.postData() ?? ''].join('\n');
    assert.deepEqual(leaks(seen), [], `request ${request.url()}`);
  }
  assert.ok(
    hosts.has('api.segment.io') && hosts.has('js.hs-scripts.com') && hosts.has('js.hsforms.net'),
    `Segment's API and both HubSpot hosts were requested: ${[...hosts]}`,
  );

  // DOM (every attribute and text, including injected scripts), storage, cookies, HubSpot's queues.
  const page = await visit.page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    attributes: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => `${a.name}=${a.value}`)).join('\n'),
    scripts: [...document.scripts].map((s) => `${s.src} ${s.nonce} ${s.text}`).join('\n'),
    storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
    queues: JSON.stringify([window._hsq, window._hsp, window.__hubspot, window.__hubspotBanner, window.__hubspotForms]),
    plugin: JSON.stringify(Object.entries(fixture.plugin).map(([k, v]) => [k, typeof v === 'function' ? v.toString() : v])),
    globals: Object.keys(window).filter((k) => {
      try {
        return JSON.stringify(window[k])?.includes('MARKER-');
      } catch {
        return false;
      }
    }),
  }));
  for (const [where, text] of Object.entries(page)) assert.deepEqual(leaks(text), [], `the ${where}`);
  assert.ok(
    page.scripts.includes('hs-scripts.com') && page.queues.includes('setHubSpotConsent'),
    'the checks saw the injected scripts and queues',
  );

  // The console: no line carries a credential; exactly one warning is about them.
  for (const line of visit.console) assert.deepEqual(leaks(line.text), [], `console ${line.type}: ${line.text}`);
  const about = visit.console.filter((m) => /apiKey|privateAppToken|credential/i.test(m.text));
  assert.equal(about.length, 1, JSON.stringify(about));
  assert.equal(about[0].type, 'warning');
  assert.deepEqual(visit.errors.map(String), []);
});

test('credentials warn once per plugin, even when only one of the two is set, and never when neither is', async () => {
  const visit = await harness.openFixture('esm');
  const counts = await visit.page.evaluate(async () => {
    window.__warns = [];
    const warn = console.warn;
    console.warn = (...args) => {
      window.__warns.push(args.map(String).join(' '));
      warn(...args);
    };
    const { default: init, hubspotPlugin } = await import('/pkg/hubspot_wasm.js');
    await init();
    const count = (settings) => {
      const before = window.__warns.length;
      hubspotPlugin(settings);
      return window.__warns.slice(before).filter((w) => /apiKey|privateAppToken/.test(w)).length;
    };
    return [
      count({ portalId: '1', apiKey: 'MARKER-a' }),
      count({ portalId: '1', privateAppToken: 'MARKER-b' }),
      count({ portalId: '1', apiKey: 'MARKER-a', privateAppToken: 'MARKER-b' }),
      count({ portalId: '1' }),
      count({ portalId: '1', apiKey: '' }),
    ];
  });
  assert.deepEqual(counts, [1, 1, 1, 0, 0]);
  for (const line of visit.console) assert.deepEqual(leaks(line.text), [], line.text);
});

test("doNotTrack(): HubSpot stops sending; doNotTrack(false) resumes; both in HubSpot's own command form", async () => {
  const visit = await loadedEsm({ portalId: PORTAL });
  await visit.page.evaluate(async () => {
    await analytics.track('Before Opt-Out');
    fixture.plugin.doNotTrack();
    await analytics.track('While Opted Out');
    fixture.plugin.doNotTrack(false);
    await analytics.track('After Opt-In');
    fixture.plugin.doNotTrack(true);
    await analytics.track('Opted Out Again');
    // Only an explicit false resumes: a stray null, 0 or '' keeps the visitor opted out.
    fixture.plugin.doNotTrack(null);
    fixture.plugin.doNotTrack(0);
    fixture.plugin.doNotTrack('');
    await analytics.track('Still Opted Out');
  });
  // Every track reached the tracker (the last one processed means all were); only those made
  // while the visitor was not opted out were sent (custom behavioral events, the default now).
  await visit.until(
    (name) => window.__hubspot.commands.some((c) => c[0] === 'trackCustomBehavioralEvent' && c[1]?.name === name),
    eventName('Still Opted Out'),
  );
  const log = await visit.hubspot();
  const doNotTrack = log.commands.filter((c) => c[0] === 'doNotTrack');
  assert.deepEqual(doNotTrack, [
    ['doNotTrack'],
    ['doNotTrack', { track: true }],
    ['doNotTrack'],
    ['doNotTrack'],
    ['doNotTrack'],
    ['doNotTrack'],
  ]);
  assert.deepEqual(
    log.commands.filter((c) => c[0] === 'trackCustomBehavioralEvent').map((c) => c[1].name),
    ['Before Opt-Out', 'While Opted Out', 'After Opt-In', 'Opted Out Again', 'Still Opted Out'].map(eventName),
  );
  assert.deepEqual(
    log.sent.filter((s) => s.kind === 'customEvent').map((s) => s.name),
    [eventName('Before Opt-Out'), eventName('After Opt-In')],
  );
  assert.equal(log.doNotTrack, true);
  assert.equal(await visit.page.evaluate(() => document.cookie.includes('__hs_do_not_track=yes')), true, "HubSpot's opt-out cookie is set");
  assert.deepEqual(log.ignored, []);
});

test('doNotTrack() before the tracker starts: queued first, so HubSpot never records even its automatic page view', async () => {
  const visit = await harness.openFixture('esm', { tracker: 'hold' });
  await visit.page.evaluate(async () => {
    await fixture.start({ portalId: '62515' });
    fixture.plugin.doNotTrack();
    fixture.plugin.setConsent({ analytics: false, advertisement: false, functionality: true });
    await analytics.track('Never Sent');
  });
  // (Issue 10: the wasm may still be on its way here; calls made meanwhile land in order once it runs.)
  // Before HubSpot's tracker runs, the plugin puts only its start-up function entry into _hsq and
  // holds the track; the opt-out goes to _hsq at once (the old expectation had the track queued
  // there too), so HubSpot processes it at start-up before its automatic page view.
  await visit.until(() => window._hsq?.length === 2);
  assert.deepEqual(await visit.page.evaluate(() => window._hsq.map((c) => (typeof c === 'function' ? '<function>' : c))), [
    '<function>',
    ['doNotTrack'],
  ]);
  assert.deepEqual(await visit.page.evaluate(() => window._hsp), [
    ['setHubSpotConsent', { analytics: false, advertisement: false, functionality: true }],
  ]);
  visit.release('tracker');
  await visit.page.evaluate(() => fixture.loaded());
  // The held track reaches the tracker after its start-up; HubSpot's opt-out cookie stops it too.
  await visit.until(
    (name) => window.__hubspot.commands.some((c) => c[0] === 'trackCustomBehavioralEvent' && c[1]?.name === name),
    eventName('Never Sent'),
  );
  await visit.until(() => window.__hubspotBanner?.commands.some((c) => c[0] === 'setHubSpotConsent'));
  const log = await visit.hubspot();
  assert.deepEqual(
    log.commands.filter((c) => c[0] !== '<function>'),
    [
      ['setPortalId', Number(PORTAL)],
      ['doNotTrack'],
      ['trackPageView'], // HubSpot's automatic page view, after the opt-out
      ['trackCustomBehavioralEvent', { name: eventName('Never Sent'), properties: {} }],
    ],
  );
  assert.deepEqual(log.sent, [], 'nothing was sent, not even the initial page view');
  assert.equal(log.doNotTrack, true);
  assert.deepEqual(await visit.page.evaluate(consentCommands), [
    ['setHubSpotConsent', { analytics: false, advertisement: false, functionality: true }],
  ]);
});

test('revokeCookieConsent() and setConsent(): onto _hsp, with only the three boolean categories', async () => {
  const visit = await loadedEsm({ portalId: PORTAL });
  const results = await visit.page.evaluate(() => {
    const p = fixture.plugin;
    const threw = [];
    const attempt = (f) => {
      try {
        f();
      } catch (e) {
        threw.push(String(e));
      }
    };
    attempt(() => p.revokeCookieConsent());
    attempt(() => p.setConsent({ analytics: true, advertisement: false, functionality: true }));
    attempt(() => p.setConsent({ analytics: false }));
    // Extra keys, wrong types, prototype-shaped keys: only booleans of the three categories pass.
    attempt(() =>
      p.setConsent(
        JSON.parse(
          '{"analytics":true,"advertisement":"yes","functionality":1,"necessary":true,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
        ),
      ),
    );
    attempt(() => p.setConsent({ analytics: new Boolean(false), advertisement: null, functionality: undefined, extra: () => 1 }));
    // Hostile arguments never throw.
    const cyclic = { analytics: true };
    cyclic.self = cyclic;
    attempt(() => p.setConsent(cyclic));
    attempt(() =>
      p.setConsent(
        Object.defineProperty({ functionality: false }, 'analytics', {
          enumerable: true,
          get() {
            throw new Error('getter');
          },
        }),
      ),
    );
    attempt(() =>
      p.setConsent(
        new Proxy(
          {},
          {
            get() {
              throw new Error('trap');
            },
            ownKeys() {
              throw new Error('trap');
            },
          },
        ),
      ),
    );
    attempt(() => p.setConsent(null));
    attempt(() => p.setConsent());
    attempt(() => p.setConsent('analytics'));
    attempt(() => p.setConsent({ analytics: 10n, advertisement: true }));
    return { threw, polluted: {}.polluted ?? null };
  });
  // HubSpot's cookie banner processes _hsp (it may start after these calls: then it takes them from the queue, in order).
  await visit.until(
    (n) => window.__hubspotBanner?.commands.filter(([name]) => ['setHubSpotConsent', 'revokeCookieConsent'].includes(name)).length >= n,
    12,
  );
  results.hsp = await visit.page.evaluate(consentCommands);
  assert.deepEqual(results.threw, []);
  assert.equal(results.polluted, null);
  assert.deepEqual(results.hsp, [
    ['revokeCookieConsent'],
    ['setHubSpotConsent', { analytics: true, advertisement: false, functionality: true }],
    ['setHubSpotConsent', { analytics: false }],
    ['setHubSpotConsent', { analytics: true }],
    ['setHubSpotConsent', { analytics: false }], // a boxed Boolean reads as its value, as in JSON
    ['setHubSpotConsent', { analytics: true }],
    ['setHubSpotConsent', { functionality: false }],
    ['setHubSpotConsent', {}],
    ['setHubSpotConsent', {}],
    ['setHubSpotConsent', {}],
    ['setHubSpotConsent', {}],
    ['setHubSpotConsent', { advertisement: true }],
  ]);
  for (const [, choices] of results.hsp.slice(1)) {
    assert.deepEqual(
      Object.keys(choices).filter((k) => !['analytics', 'advertisement', 'functionality'].includes(k)),
      [],
    );
    assert.ok(Object.values(choices).every((v) => typeof v === 'boolean'));
  }
  assert.deepEqual((await visit.banner()).ignored, [], 'the banner took every command');
  // What HubSpot received for the revoke: its k=30 request, consent not allowed, no identity.
  await visit.until(() => window.__hubspot.sent.some((s) => s.kind === 'revokeConsent'));
  const revoke = (await visit.sent()).filter((s) => s.kind === 'revokeConsent');
  assert.equal(revoke.length, 1);
  assert.equal(revoke[0].consentAllowed, false);
  assert.equal(revoke[0].identity, null);
  assert.deepEqual(visit.errors.map(String), []);
});

for (const disableCookieBanner of [true, false]) {
  test(`disableCookieBanner: ${disableCookieBanner} — window.disableHubSpotCookieBanner is ${disableCookieBanner ? 'true' : 'untouched'} when the tracker is requested`, async () => {
    const visit = await harness.openFixture('esm', { tracker: 'hold' });
    const atRequest = [];
    // Looked at from the page the moment HubSpot's script is requested (the harness then answers it).
    await visit.page.route(/hs-scripts\.com/, async (route) => {
      atRequest.push(
        await visit.page.evaluate(() => ({
          flag: window.disableHubSpotCookieBanner ?? null,
          scripts: document.querySelectorAll('script[src*="hs-scripts.com"]').length,
        })),
      );
      await route.fallback();
    });
    await visit.page.evaluate((d) => fixture.start({ portalId: '62515', disableCookieBanner: d }), disableCookieBanner);
    await visit.until(() => document.querySelector('script[src*="hs-scripts.com"]'));
    await new Promise((ok) => setTimeout(ok, 100));
    visit.release('tracker');
    await visit.page.evaluate(() => fixture.loaded());
    assert.deepEqual(atRequest, [{ flag: disableCookieBanner ? true : null, scripts: 1 }]);
  });
}
