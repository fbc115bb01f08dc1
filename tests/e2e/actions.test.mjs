// A Segment workspace's HubSpot Web (Actions) configuration on a real Segment site: analytics-next
// loads the workspace's settings (served locally through its `cdnURL`), whose remote plugin entry
// for HubSpot Web (Actions) carries the subscriptions edited in the Segment app. Our plugin,
// registered without a portal ID (zero-config), runs them: each enabled subscription whose FQL
// trigger matches sends the payload its mapping builds. Segment's own Actions destination is
// switched off at load, as a site moving to this plugin does. Every test asserts what HubSpot's
// servers received (the emulator's records).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const LIMIT = { timeout: 30_000 };
const PORTAL = '62515';
const WRITE_KEY = 'e2e-write-key';
const PAGE = '/tests/e2e/fixtures/esm.html';

const path = (p) => ({ '@path': p });
// The destination's three presets, with their default mappings, as the Segment app saves them.
const PRESETS = {
  trackCustomBehavioralEvent: {
    name: 'Track Custom Behavioral Event',
    partnerAction: 'trackCustomBehavioralEvent',
    subscribe: 'type = "track"',
    enabled: true,
    mapping: { name: path('$.event'), properties: path('$.properties') },
  },
  upsertContact: {
    name: 'Upsert Contact',
    partnerAction: 'upsertContact',
    subscribe: 'type = "identify"',
    enabled: true,
    mapping: {
      email: path('$.traits.email'),
      id: path('$.userId'),
      custom_properties: path('$.traits'),
      company: path('$.traits.company.name'),
      country: path('$.traits.address.country'),
      state: path('$.traits.address.state'),
      city: path('$.traits.address.city'),
      address: path('$.traits.address.street'),
      zip: {
        '@if': {
          exists: path('$.traits.address.postalCode'),
          // biome-ignore lint/suspicious/noThenProperty: mapping-kit's @if directive names its branch `then`
          then: path('$.traits.address.postalCode'),
          else: path('$.traits.address.postal_code'),
        },
      },
    },
  },
  trackPageView: { name: 'Track Page View', partnerAction: 'trackPageView', subscribe: 'type = "page"', enabled: true, mapping: {} },
};

/** The workspace's settings, HubSpot Web (Actions) with these subscriptions and settings. */
function workspace(subscriptions, settings = {}) {
  const actions = { portalId: PORTAL, enableEuropeanDataCenter: false, formatCustomBehavioralEventNames: true, ...settings };
  return {
    integrations: { 'Segment.io': { apiKey: WRITE_KEY }, 'HubSpot Web (Actions)': { versionSettings: { componentTypes: [] }, ...actions } },
    remotePlugins: [
      {
        name: 'HubSpot Web (Actions)',
        creationName: 'HubSpot Web (Actions)',
        libraryName: 'hubspot-webDestination',
        url: 'https://cdn.segment.com/next-integrations/actions/hubspot-web/5c1ab1f3a3b2d9e1.js',
        settings: { ...actions, subscriptions },
      },
    ],
  };
}

/** A zero-config site on that workspace, Segment's own Actions destination switched off. */
async function site(settings) {
  const visit = await harness.openFixture('esm', { segment: { settings } });
  await visit.page.evaluate(() =>
    fixture.load({}, { analyticsOptions: { integrations: { 'HubSpot Web (Actions)': false, 'hubspot-wasm': true } } }),
  );
  const load = await visit.until(() => fixture.loads[0]?.state !== 'pending' && fixture.loads[0]);
  assert.equal(load.state, 'resolved', load.message);
  return visit;
}

/** What HubSpot's servers received: [kind, event name or path, identity email, properties]. */
async function received(visit) {
  return (await visit.sent()).map((s) => [s.kind, s.name ?? s.path, s.identity?.email ?? null, s.properties ?? null]);
}

/** Runs `calls` in the page and waits for HubSpot to have received `last` (an event name or a
 * path): each test's last call makes the last request it expects, and requests arrive in order,
 * so anything that must not come would have come before it. */
async function run(visit, calls, last) {
  await visit.page.evaluate(calls);
  await visit.until((last) => window.__hubspot?.sent.some((s) => (s.name ?? s.path) === last), last);
  return received(visit);
}

const initialView = ['pageView', PAGE, null, null];

test('a trigger narrowed to one event: only that event reaches HubSpot', LIMIT, async () => {
  const visit = await site(workspace([{ ...PRESETS.trackCustomBehavioralEvent, subscribe: 'type = "track" and event = "Signed Up"' }]));
  const sent = await run(
    visit,
    async () => {
      await analytics.page();
      await analytics.track('Viewed Pricing', { plan: 'pro' });
      await analytics.page();
      await analytics.track('Signed Up', { plan: 'pro' });
    },
    `pe${PORTAL}_signed_up`,
  );
  assert.deepEqual(sent, [initialView, ['customEvent', `pe${PORTAL}_signed_up`, null, { plan: 'pro' }]]);
  assert.deepEqual(visit.errors, []);
});

test('two subscriptions of one action both fire, one naming the event from $.properties.form_name', LIMIT, async () => {
  const visit = await site(
    workspace([
      { ...PRESETS.trackCustomBehavioralEvent, subscribe: 'type = "track" and event != "Form Submitted"' },
      {
        partnerAction: 'trackCustomBehavioralEvent',
        name: 'Forms by name',
        subscribe: 'event = "Form Submitted"',
        enabled: true,
        mapping: { name: path('$.properties.form_name') },
      },
    ]),
  );
  const sent = await run(
    visit,
    async () => {
      await analytics.track('Form Submitted', { form_name: 'demo_request' });
      await analytics.track('Signed Up');
    },
    `pe${PORTAL}_signed_up`,
  );
  assert.deepEqual(sent, [
    initialView,
    ['customEvent', `pe${PORTAL}_demo_request`, null, {}],
    ['customEvent', `pe${PORTAL}_signed_up`, null, {}],
  ]);
});

test("Track Page View disabled: no page view but HubSpot's own", LIMIT, async () => {
  const visit = await site(
    workspace([PRESETS.trackCustomBehavioralEvent, PRESETS.upsertContact, { ...PRESETS.trackPageView, enabled: false }]),
  );
  const sent = await run(
    visit,
    async () => {
      await analytics.page();
      await analytics.page('Pricing', { path: '/pricing' });
      await analytics.track('Done');
    },
    `pe${PORTAL}_done`,
  );
  assert.deepEqual(sent, [initialView, ['customEvent', `pe${PORTAL}_done`, null, {}]]);
});

test('contains(event, "Order"), and a contact from $.traits.work_email behind a traits.plan = "pro" trigger', LIMIT, async () => {
  const visit = await site(
    workspace([
      { ...PRESETS.trackCustomBehavioralEvent, subscribe: 'contains(event, "Order")' },
      {
        partnerAction: 'upsertContact',
        name: 'Pro contacts',
        subscribe: 'type = "identify" and traits.plan = "pro"',
        enabled: true,
        mapping: { email: path('$.traits.work_email'), id: path('$.userId') },
      },
    ]),
  );
  const sent = await run(
    visit,
    async () => {
      await analytics.identify('free-1', { plan: 'free', work_email: 'free@example.com' });
      await analytics.track('Signed Up');
      await analytics.track('Order Completed', { total: 20 });
      await analytics.identify('ann-1', { plan: 'pro', work_email: 'ann@work.example' });
      await analytics.track('Order Refunded');
    },
    `pe${PORTAL}_order_refunded`,
  );
  assert.deepEqual(sent, [
    initialView,
    ['customEvent', `pe${PORTAL}_order_completed`, null, { total: '20' }],
    ['customEvent', `pe${PORTAL}_order_refunded`, 'ann@work.example', {}],
  ]);
});

test('formatCustomBehavioralEventNames: false sends the mapped name as is, properties from @template and literals', LIMIT, async () => {
  const visit = await site(
    workspace(
      [
        {
          partnerAction: 'trackCustomBehavioralEvent',
          name: 'Internal names',
          subscribe: 'type = "track"',
          enabled: true,
          mapping: {
            name: path('$.properties.hs_name'),
            properties: { source: 'website', summary: { '@template': '{{event}}: {{properties.total}}' } },
          },
        },
      ],
      { formatCustomBehavioralEventNames: false },
    ),
  );
  const sent = await run(
    visit,
    async () => {
      await analytics.track('Order Completed', { hs_name: 'pe62515_checkout_done', total: 20 });
    },
    'pe62515_checkout_done',
  );
  assert.deepEqual(sent, [
    initialView,
    ['customEvent', 'pe62515_checkout_done', null, { source: 'website', summary: 'Order Completed: 20' }],
  ]);
});

test('the presets, as subscriptions, send what the plugin always sent', LIMIT, async () => {
  const visit = await site(workspace(Object.values(PRESETS)));
  const sent = await run(
    visit,
    async () => {
      await analytics.page();
      await analytics.identify('ann-1', { email: 'ann@example.com', firstName: 'Ann' });
      await analytics.track('Signed Up', { plan: 'pro' });
      await analytics.page('Pricing', { path: '/pricing' });
    },
    '/pricing',
  );
  assert.deepEqual(sent, [
    initialView,
    ['customEvent', `pe${PORTAL}_signed_up`, 'ann@example.com', { plan: 'pro' }],
    ['pageView', '/pricing', 'ann@example.com', null],
  ]);
  // A page naming no portal fetches the wasm that runs the workspace's subscriptions.
  const wasms = await visit.page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith('.wasm')),
  );
  assert.deepEqual(wasms, ['/pkg/hubspot_wasm_actions_bg.wasm']);
  assert.deepEqual(visit.errors, []);
});

test('hostile subscriptions: a warning each, no exception, the usable ones still run', LIMIT, async () => {
  const visit = await site(
    workspace([
      null,
      5,
      { enabled: true },
      { partnerAction: 'trackPageView', enabled: true, subscribe: `event = "${'x'.repeat(10_000)}` },
      {
        partnerAction: 'trackCustomBehavioralEvent',
        name: 'Polluting',
        enabled: true,
        subscribe: 'properties.__proto__ != null',
        mapping: { name: path('$.event'), ['__proto__']: { polluted: true } },
      },
    ]),
  );
  const sent = await run(
    visit,
    async () => {
      await analytics.track('Still Sent');
    },
    `pe${PORTAL}_still_sent`,
  );
  assert.deepEqual(sent, [initialView, ['customEvent', `pe${PORTAL}_still_sent`, null, {}]]);
  assert.equal(await visit.page.evaluate(() => ({}).polluted), undefined);
  assert.ok(
    visit.warnings.some((w) => w.includes('trackPageView #4') && w.includes('cannot parse')),
    visit.warnings.join('\n'),
  );
  assert.deepEqual(visit.errors, []);
});

test('subscriptions that are not a list: one warning, the presets run', LIMIT, async () => {
  const visit = await site(workspace({ not: 'a list' }));
  const sent = await run(
    visit,
    async () => {
      await analytics.track('Signed Up');
    },
    `pe${PORTAL}_signed_up`,
  );
  assert.deepEqual(sent, [initialView, ['customEvent', `pe${PORTAL}_signed_up`, null, {}]]);
  assert.ok(
    visit.warnings.some((w) => w.includes('not a list')),
    visit.warnings.join('\n'),
  );
  assert.deepEqual(visit.errors, []);
});
