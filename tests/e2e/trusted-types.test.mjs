// Trusted Types: a page whose CSP says `require-trusted-types-for 'script'` takes a script's URL
// only as a TrustedScriptURL. The plugin makes its own policy, `hubspot-wasm`, once, for the URLs
// its settings validated (src/browser/trusted_types.rs). Pages: fixtures/factory.html (no inline
// script; the package from /pkg/, analytics-next as a plain script) served with the CSP header,
// started as a Segment site (`fixture.load`: settings from the local CDN).
//
// HubSpot's own loader then injects further scripts itself, with plain string URLs (the emulator
// models its cookie banner from js.hs-banner.com and the tracker from js.hs-analytics.net): a
// page that requires Trusted Types gives those a `default` policy of its own. The first test has
// one, for those two hosts only, and checks that the plugin's loader URL never went through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const FACTORY = '/tests/e2e/fixtures/factory.html';
const BLANK = '/tests/e2e/fixtures/blank.html';
const TRACKER_URL = 'https://js.hs-scripts.com/62515.js';

/** The factory page (served with the CSP of the enclosing withHeaders) as a Segment site with
 *  HubSpot; resolves once its load() has settled. */
async function openFactory({ defaultPolicy = false } = {}) {
  const visit = await harness.open(BLANK);
  if (defaultPolicy) {
    // The site's own `default` policy, made before any of its scripts run; it notes every URL.
    await visit.context.addInitScript(() => {
      window.__defaultPolicyUrls = [];
      trustedTypes.createPolicy('default', {
        createScriptURL: (url) => (
          window.__defaultPolicyUrls.push(url), /^https:\/\/js\.(hs-banner\.com|hs-analytics\.net)\//.test(url) ? url : null
        ),
      });
    });
  }
  await visit.page.goto(harness.url(FACTORY));
  await visit.page.waitForFunction(() => window.fixture, null, { timeout: 10_000 });
  await visit.page.evaluate(() => fixture.load({ portalId: '62515' }));
  await visit.until(() => fixture.loads?.[0] && fixture.loads[0].state !== 'pending', undefined, { timeout: 15_000 });
  const state = await visit.page.evaluate(() => ({
    load: fixture.loads[0],
    src: document.getElementById('hs-script-loader')?.src ?? null,
    policies: window.trustedTypes ? 'present' : 'absent',
  }));
  return { visit, state };
}

test("require-trusted-types-for 'script' with `trusted-types hubspot-wasm default`: the tracker loads through the plugin's policy and HubSpot sends its page view", async () => {
  const csp = "require-trusted-types-for 'script'; trusted-types hubspot-wasm default";
  await harness.withHeaders({ 'content-security-policy': csp }, async () => {
    const { visit, state } = await openFactory({ defaultPolicy: true });
    assert.equal(state.policies, 'present', 'Chromium has Trusted Types');
    assert.deepEqual(state.load, { state: 'resolved', message: null, isError: null }, 'load() resolved');
    assert.equal(state.src, TRACKER_URL, 'the injected script carries the tracker URL');
    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [TRACKER_URL],
    );
    // HubSpot's automatic page view, then a track through analytics-next reaches HubSpot too.
    await visit.until(() => window.__hubspot?.sent.some((s) => s.kind === 'pageView'));
    const before = (await visit.hubspot()).commands.length;
    await visit.page.evaluate(() => analytics.track('Under Trusted Types', { plan: 'pro' }));
    await visit.until((n) => window.__hubspot.commands.length > n, before);
    assert.match(JSON.stringify((await visit.hubspot()).commands.slice(before)), /under.trusted.types/i);
    const viaDefault = await visit.page.evaluate(() => window.__defaultPolicyUrls);
    assert.ok(
      !viaDefault.some((url) => url.includes('hs-scripts.com')),
      `the tracker URL went through the plugin's policy, not the page's default: ${JSON.stringify(viaDefault)}`,
    );
    assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
    assert.ok(
      !visit.console.some((m) => /TrustedType|TrustedScriptURL/.test(m.text)),
      `no Trusted Types violation: ${JSON.stringify(visit.warnings)}`,
    );
  });
});

test("require-trusted-types-for 'script' whose `trusted-types` does not allow hubspot-wasm: load() rejects naming the URL, no exception reaches the page, analytics goes on", async () => {
  const csp = "require-trusted-types-for 'script'; trusted-types another-policy";
  await harness.withHeaders({ 'content-security-policy': csp }, async () => {
    const { visit, state } = await openFactory();
    assert.equal(state.load.state, 'rejected');
    assert.equal(state.load.isError, true);
    assert.match(state.load.message, /^HubSpot's tracking code could not be loaded from https:\/\/js\.hs-scripts\.com\/62515\.js/);
    assert.equal(state.src, null, 'no script element with a URL was added');
    assert.deepEqual(visit.requestsTo('tracker'), [], 'the tracker was never requested');
    // The browser reported both refusals: the policy's name, then the URL as a plain string.
    assert.ok(
      visit.console.some((m) => /TrustedTypePolicy named 'hubspot-wasm'/.test(m.text)),
      JSON.stringify(visit.warnings),
    );
    assert.ok(
      visit.console.some((m) => /requires 'TrustedScriptURL'/.test(m.text)),
      JSON.stringify(visit.warnings),
    );
    // analytics-next dropped only this destination: a later call still goes through it.
    const recorded = await visit.page.evaluate(async () => {
      await analytics.track('After The Refusal');
      return window.__recorded.map((e) => e.event).filter(Boolean);
    });
    assert.ok(recorded.includes('After The Refusal'), JSON.stringify(recorded));
    assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
  });
});
