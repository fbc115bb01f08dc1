// Form submissions (README, A Segment site): with `trackFormSubmissions`, each HubSpot form submission on the page
// becomes one `track('Form Submitted', …)` for analytics' other destinations (here the fixture's
// Recorder, and Segment's API), kept from HubSpot itself (HubSpot recorded the submission already),
// with no field value unless it is listed in `formFields`, and an identify by the submitted email
// only with `identifyFormSubmitters`.
//
// Both kinds of HubSpot form, from the forms emulator (www/hubspot-forms-emulator.js), which
// announces submissions as HubSpot documents: forms made with hbspt.forms.create (the Forms SDK the
// plugin loads; `hsFormCallback` messages) and the newer embed (`.hs-form-frame`, the
// `hs-form-event:on-submission:success` event and HubSpotFormsV4). Every form has email, firstname
// and message fields; message is never listed, so its value must never leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
// A broken build must fail a test, not hang the run (page.evaluate waits as long as the page does).
const LIMIT = { timeout: 30_000 };
const PORTAL = '62515';
const WRITE_KEY = 'e2e-write-key';
const SECRET = 'unlisted message 7c41';
const KEPT_FROM_HUBSPOT = { 'hubspot-wasm': false, HubSpot: false, 'HubSpot Web (Actions)': false };

/** A workspace with no HubSpot destination of Segment's: ours is the only one. */
const WORKSPACE = { integrations: { 'Segment.io': { apiKey: WRITE_KEY } } };

/** Opens the fixture and starts a Segment site with our plugin (these settings) and the Recorder. */
async function site(settings, visitOptions = {}) {
  const visit = await harness.openFixture('esm', { segment: { settings: WORKSPACE }, ...visitOptions });
  await visit.page.evaluate((settings) => fixture.load(settings), { portalId: PORTAL, ...settings });
  await visit.until(() => fixture.loads[0]?.state === 'resolved');
  return visit;
}

/** A form made with the Forms SDK, filled in and submitted. */
async function submitSdkForm(visit, formId, { email = 'ann@example.com', firstname = 'Ann' } = {}) {
  await visit.until(() => typeof window.hbspt?.forms?.create === 'function');
  await visit.page.evaluate((formId) => hbspt.forms.create({ portalId: '62515', formId, target: '#form-target' }), formId);
  await visit.page.fill('#form-target input[name=email]', email);
  await visit.page.fill('#form-target input[name=firstname]', firstname);
  await visit.page.fill('#form-target textarea[name=message]', SECRET);
  await visit.page.click('#form-target .hs-button');
}

/** HubSpot's newer embed code on the page (the frame element, then the portal's embed script). */
async function embedForm(visit, formId) {
  await visit.page.evaluate(
    ([formId, portalId]) =>
      new Promise((ok, fail) => {
        document.body.insertAdjacentHTML(
          'beforeend',
          `<div class="hs-form-frame" data-region="na1" data-form-id="${formId}" data-portal-id="${portalId}"></div>`,
        );
        const script = document.createElement('script');
        script.src = `https://js.hsforms.net/forms/embed/${portalId}.js`;
        script.defer = true;
        script.onload = ok;
        script.onerror = fail;
        document.head.append(script);
      }),
    [formId, PORTAL],
  );
}

/** What the Recorder received for form submissions. */
async function formEvents(visit) {
  return (await visit.recorded()).filter((e) => e.event === 'Form Submitted' || e.type === 'identify');
}

/** Waits for `count` 'Form Submitted' tracks at the Recorder, then a little longer for any extra one. */
async function settle(visit, count = 1) {
  await visit.until((count) => (window.__recorded ?? []).filter((e) => e.event === 'Form Submitted').length >= count, count);
  await new Promise((ok) => setTimeout(ok, 400));
}

/** Nothing of the form reached HubSpot through _hsq: no 'Form Submitted', no unlisted value. */
async function assertNothingPushedToHubSpot(visit) {
  const commands = JSON.stringify((await visit.hubspot())?.commands ?? []);
  assert.ok(!commands.includes('Form Submitted'), commands);
  assert.ok(!commands.includes(SECRET), commands);
  assert.ok(!commands.includes('ann@example.com'), `no identify from the form reached HubSpot: ${commands}`);
}

/** The unlisted value left the page nowhere: not to the Recorder, not to Segment's API. */
async function assertSecretStayed(visit) {
  assert.ok(!JSON.stringify(await visit.recorded()).includes(SECRET));
  for (const r of visit.requests) assert.ok(!(r.body ?? '').includes(SECRET), `${r.url} carried the unlisted value`);
}

test('an SDK form (hbspt.forms.create): one Form Submitted with form_id and the listed fields only, kept from HubSpot', LIMIT, async () => {
  const visit = await site({ loadFormsSdk: true, trackFormSubmissions: true, formFields: ['email', 'firstname'] });
  await submitSdkForm(visit, 'f-sdk');
  await settle(visit);

  const events = await formEvents(visit);
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.deepEqual(events[0].properties, { form_id: 'f-sdk', email: 'ann@example.com', firstname: 'Ann' });
  assert.deepEqual({ ...events[0].integrations }, KEPT_FROM_HUBSPOT);
  // HubSpot received the submission itself (its forms API), once.
  assert.deepEqual(
    (await visit.forms()).submissions.map((s) => s.formId),
    ['f-sdk'],
  );
  await assertNothingPushedToHubSpot(visit);
  // Segment's API is another destination: it gets the event too.
  assert.equal((await visit.segmentEvent('Form Submitted')).properties.form_id, 'f-sdk');
  await assertSecretStayed(visit);
  assert.deepEqual(visit.errors, []);
});

test('an SDK form with identifyFormSubmitters: identify by the submitted email first, then Form Submitted', LIMIT, async () => {
  const visit = await site({ loadFormsSdk: true, trackFormSubmissions: true, identifyFormSubmitters: true, formFields: [] });
  await submitSdkForm(visit, 'f-id', { email: 'bea@example.com' });
  await settle(visit);

  const events = await formEvents(visit);
  assert.deepEqual(
    events.map((e) => e.type),
    ['identify', 'track'],
  );
  assert.equal(events[0].traits.email, 'bea@example.com');
  assert.equal(events[0].traits.firstname, undefined, 'no unlisted field among the traits');
  assert.deepEqual({ ...events[0].integrations }, KEPT_FROM_HUBSPOT);
  // No field listed: the form's id and nothing else.
  assert.deepEqual(events[1].properties, { form_id: 'f-id' });
  const commands = JSON.stringify((await visit.hubspot())?.commands ?? []);
  assert.ok(!commands.includes('bea@example.com'), `the identify stays out of HubSpot: ${commands}`);
  await assertSecretStayed(visit);
  assert.deepEqual(visit.errors, []);
});

test('an embedded form (.hs-form-frame): one Form Submitted with form_id and the listed fields', LIMIT, async () => {
  // formFields lists `email`: it matches the embed's '0-1/email', and the property keeps the listed name.
  const visit = await site({ trackFormSubmissions: true, formFields: ['email'] });
  await embedForm(visit, 'f-embed');
  await visit.page.fill('.hs-form-frame input[name="0-1/email"]', 'cy@example.com');
  await visit.page.fill('.hs-form-frame input[name="0-1/firstname"]', 'Cy');
  await visit.page.fill('.hs-form-frame textarea[name="0-1/message"]', SECRET);
  await visit.page.click('.hs-form-frame .hs-button');
  await settle(visit);

  const events = await formEvents(visit);
  assert.equal(events.length, 1, JSON.stringify(events));
  // (The embed's instance id, a per-render random id, is no use downstream: not forwarded.)
  assert.deepEqual(events[0].properties, { form_id: 'f-embed', email: 'cy@example.com' });
  assert.deepEqual({ ...events[0].integrations }, KEPT_FROM_HUBSPOT);
  assert.deepEqual(
    (await visit.forms()).submissions.map((s) => s.formId),
    ['f-embed'],
  );
  const commands = JSON.stringify((await visit.hubspot())?.commands ?? []);
  assert.ok(!commands.includes('Form Submitted') && !commands.includes('cy@example.com'), commands);
  await assertSecretStayed(visit);
  assert.deepEqual(visit.errors, []);
});

test('identifyFormSubmitters, but the form was sent without an email: no identify, only Form Submitted', LIMIT, async () => {
  const visit = await site({ trackFormSubmissions: true, identifyFormSubmitters: true, formFields: ['firstname'] });
  await embedForm(visit, 'f-anon');
  await visit.page.fill('.hs-form-frame input[name="0-1/firstname"]', 'Flo');
  await visit.page.click('.hs-form-frame .hs-button');
  await settle(visit);

  const events = await formEvents(visit);
  assert.deepEqual(
    events.map((e) => [e.type, e.properties?.firstname ?? null]),
    [['track', 'Flo']],
  );
  assert.deepEqual(visit.errors, []);
});

test('both kinds of form on one page: each submission forwarded exactly once', LIMIT, async () => {
  const visit = await site({ loadFormsSdk: true, trackFormSubmissions: true, formFields: ['email'] });
  await submitSdkForm(visit, 'f-one');
  await settle(visit, 1);
  await embedForm(visit, 'f-two');
  await visit.page.fill('.hs-form-frame input[name="0-1/email"]', 'dee@example.com');
  await visit.page.click('.hs-form-frame .hs-button');
  await settle(visit, 2);

  const events = (await formEvents(visit)).map((e) => [e.properties.form_id, e.properties.email]);
  assert.deepEqual(events, [
    ['f-one', 'ann@example.com'],
    ['f-two', 'dee@example.com'],
  ]);
  assert.deepEqual(visit.errors, []);
});

test('without trackFormSubmissions (the default) no submission is forwarded', LIMIT, async () => {
  const visit = await site({ loadFormsSdk: true });
  await submitSdkForm(visit, 'f-off');
  await visit.until(() => window.__hubspotForms?.submissions.length === 1);
  // The SDK's last step (onFormSubmitted) comes a task later: give it, and any listener, the time.
  await new Promise((ok) => setTimeout(ok, 400));
  assert.deepEqual(await formEvents(visit), []);
  assert.deepEqual(visit.errors, []);
});

test('hsFormCallback messages from a foreign origin, and other steps than onFormSubmitted, are ignored', LIMIT, async () => {
  // Any frame can post a message that looks like HubSpot's: only the page's own origin and HubSpot's
  // form hosts (*.hsforms.net, *.hsforms.com) are believed.
  const message = (id, email) => `<!doctype html><script>
    parent.postMessage({ type: 'hsFormCallback', eventName: 'onFormSubmitted', id: '${id}',
      data: { submissionValues: { email: '${email}', firstname: 'Eve' } } }, '*');
  </script>`;
  const pages = {
    'https://ads.example.com/frame.html': message('f-forged', 'forged@example.com'),
    'https://share.hsforms.com/frame.html': message('f-hubspot', 'real@example.com'),
  };
  const visit = await site({ trackFormSubmissions: true, formFields: ['email'] }, { pages });
  // The page sees every such message too: proof the forged one was delivered (and then ignored).
  await visit.page.evaluate(() => {
    window.posted = [];
    window.addEventListener('message', (e) => e.data?.type === 'hsFormCallback' && window.posted.push([e.origin, e.data.id]));
  });
  const frame = (src) =>
    visit.page.evaluate(
      (src) =>
        new Promise((ok) => {
          const iframe = document.createElement('iframe');
          iframe.src = src;
          iframe.onload = ok;
          document.body.append(iframe);
        }),
      src,
    );

  await frame('https://ads.example.com/frame.html');
  // The page's own origin, but steps before the submission is made: not a submission.
  await visit.page.evaluate(() => {
    for (const eventName of ['onBeforeFormSubmit', 'onFormSubmit', 'onFormReady']) {
      window.postMessage({ type: 'hsFormCallback', eventName, id: 'f-step', data: [{ name: 'email', value: 'step@example.com' }] }, '*');
    }
  });
  // Then a real one from HubSpot's form host: it arrives, so the ones before it had their chance.
  await frame('https://share.hsforms.com/frame.html');
  await settle(visit);

  const events = await formEvents(visit);
  assert.deepEqual(
    events.map((e) => e.properties),
    [{ form_id: 'f-hubspot', email: 'real@example.com' }],
  );
  const origin = new URL(harness.url('/')).origin;
  assert.deepEqual(await visit.page.evaluate(() => window.posted), [
    ['https://ads.example.com', 'f-forged'],
    [origin, 'f-step'],
    [origin, 'f-step'],
    [origin, 'f-step'],
    ['https://share.hsforms.com', 'f-hubspot'],
  ]);
  assert.deepEqual(visit.unexpectedRequests, []);
  assert.deepEqual(visit.errors, []);
});
