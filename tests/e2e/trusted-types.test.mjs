// Trusted Types: a page whose CSP says `require-trusted-types-for 'script'` takes a script's URL
// only as a TrustedScriptURL. The plugin makes its own policy, `hubspot-wasm`, once, for the URLs
// its settings validated (src/browser/trusted_types.rs). Pages: fixtures/factory.html (no inline
// script; the package from /pkg/, analytics-next as a plain script) served with the CSP header,
// started as a Segment site (`fixture.load`: settings from the local CDN).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const FACTORY = '/tests/e2e/fixtures/factory.html';
const TRACKER_URL = 'https://js.hs-scripts.com/62515.js';

/** The factory page (served with the CSP of the enclosing withHeaders) as a Segment site with
 *  HubSpot; resolves once its load() has settled. */
async function openFactory() {
  const visit = await harness.open(FACTORY);
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

test("require-trusted-types-for 'script' with `trusted-types hubspot-wasm`: the tracker loads through the plugin's policy and HubSpot sends its page view", async () => {
  const csp = "require-trusted-types-for 'script'; trusted-types hubspot-wasm";
  await harness.withHeaders({ 'content-security-policy': csp }, async () => {
    const { visit, state } = await openFactory();
    assert.equal(state.policies, 'present', 'Chromium has Trusted Types');
    assert.deepEqual(state.load, { state: 'resolved', message: null, isError: null }, 'load() resolved');
    assert.equal(state.src, TRACKER_URL, 'the injected script carries the tracker URL');
    assert.deepEqual(visit.requestsTo('tracker').map((r) => r.url), [TRACKER_URL]);
    // HubSpot's automatic page view, then a track through analytics-next.
    await visit.until(() => window.__hubspot?.sent.some((s) => s.initial));
    await visit.page.evaluate(() => analytics.track('Under Trusted Types', { plan: 'pro' }));
    await visit.until(() => window.__hubspot?.commands.some((c) => c[0] === 'trackEvent'));
    assert.deepEqual((await visit.hubspot()).commands.find((c) => c[0] === 'trackEvent'), ['trackEvent', { id: 'Under Trusted Types', plan: 'pro' }]);
    assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
    assert.ok(!visit.console.some((m) => /TrustedType|TrustedScriptURL/.test(m.text)), `no Trusted Types violation: ${JSON.stringify(visit.warnings)}`);
  });
});

test("require-trusted-types-for 'script' whose `trusted-types` does not allow hubspot-wasm: load() rejects naming the URL, no exception reaches the page, analytics goes on", async () => {
  const csp = "require-trusted-types-for 'script'; trusted-types another-policy";
  await harness.withHeaders({ 'content-security-policy': csp }, async () => {
    const { visit, state } = await openFactory();
    assert.equal(state.load.state, 'rejected');
    assert.equal(state.load.isError, true);
    assert.match(state.load.message, /^hubspot-wasm: HubSpot's tracking code could not be loaded from https:\/\/js\.hs-scripts\.com\/62515\.js/);
    assert.equal(state.src, null, 'no script element with a URL was added');
    assert.deepEqual(visit.requestsTo('tracker'), [], 'the tracker was never requested');
    // The browser reported both refusals: the policy's name, then the URL as a plain string.
    assert.ok(visit.console.some((m) => /TrustedTypePolicy named 'hubspot-wasm'/.test(m.text)), JSON.stringify(visit.warnings));
    assert.ok(visit.console.some((m) => /requires 'TrustedScriptURL'/.test(m.text)), JSON.stringify(visit.warnings));
    // analytics-next dropped only this destination: a later call still goes through it.
    const recorded = await visit.page.evaluate(async () => {
      await analytics.track('After The Refusal');
      return window.__recorded.map((e) => e.event).filter(Boolean);
    });
    assert.ok(recorded.includes('After The Refusal'), JSON.stringify(recorded));
    assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
  });
});
