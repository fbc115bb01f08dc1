// The HubSpot emulator is the stand-in for the one thing these tests cannot reach, so it is
// checked on its own first: driven by hand, the way HubSpot documents its _hsq queue, with no
// plugin involved. If these fail, every other e2e result is suspect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();

/** Injects a script the way HubSpot's embed code does, resolving when it has run. */
function inject(page, src) {
  return page.evaluate((src) => new Promise((ok, fail) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = ok;
    s.onerror = () => fail(new Error('failed: ' + src));
    document.head.append(s);
  }), src);
}

test('emulator: queued commands run in order, then the automatic page view; identity rides the next tracking call', async () => {
  const visit = await harness.open('/tests/e2e/fixtures/blank.html?from=ad');
  await visit.page.evaluate(() => {
    const q = (window._hsq = []);
    q.push(['identify', { email: 'ada@example.com' }]);
    q.push(['identify', { firstname: 'Ada' }]);
    q.push(['trackEvent', { id: 'Queued', value: 3 }]);
  });
  await inject(visit.page, 'https://js-eu1.hs-scripts.com/62515.js');
  const log = await visit.hubspot();
  assert.equal(log.portalId, '62515');
  assert.equal(log.src, 'https://js-eu1.hs-scripts.com/62515.js');
  assert.deepEqual(log.sent, [
    { kind: 'event', id: 'Queued', properties: { value: 3 }, path: '/tests/e2e/fixtures/blank.html?from=ad',
      identity: { email: 'ada@example.com', firstname: 'Ada' } },
    { kind: 'pageView', initial: true, path: '/tests/e2e/fixtures/blank.html?from=ad', identity: null },
  ]);
  assert.equal(await visit.page.evaluate(() => window._hsq.push === Array.prototype.push), false);
  assert.deepEqual(visit.errors, []);
});

test('emulator: after start, push is processed at once; setPath, custom events, doNotTrack and consent', async () => {
  const visit = await harness.open('/tests/e2e/fixtures/blank.html');
  await inject(visit.page, 'https://js.hs-scripts.com/123.js');
  await visit.page.evaluate(() => {
    _hsq.push(['identify', { email: 'bo@example.com' }]);
    _hsq.push(['setPath', '/cart?step=2']);
    _hsq.push(['trackPageView']);
    _hsq.push(['trackCustomBehavioralEvent', { name: 'pe123_clicked', properties: { color: 'red' } }]);
    _hsq.push(['doNotTrack']);
    _hsq.push(['trackPageView']);
    _hsq.push(['doNotTrack', { track: true }]);
    _hsq.push(['bogus']);
    _hsp.push(['setHubSpotConsent', { analytics: true, advertisement: false, functionality: true }]);
  });
  const log = await visit.hubspot();
  assert.deepEqual(log.sent.slice(1), [
    { kind: 'pageView', path: '/cart?step=2', identity: { email: 'bo@example.com' } },
    { kind: 'customEvent', name: 'pe123_clicked', properties: { color: 'red' }, path: '/cart?step=2', identity: null },
  ]);
  assert.equal(log.doNotTrack, false);
  assert.deepEqual(log.ignored.map((i) => i.command), [['bogus']]);
  assert.deepEqual(log.consent, [['setHubSpotConsent', { analytics: true, advertisement: false, functionality: true }]]);
  assert.equal(log.commands.length, 8);
});

test('emulator: the forms stand-in renders into its target and logs submissions', async () => {
  const visit = await harness.open('/tests/e2e/fixtures/blank.html');
  await inject(visit.page, 'https://js.hsforms.net/forms/embed/v2.js');
  await visit.page.evaluate(() => hbspt.forms.create({ portalId: '62515', formId: 'f-1', target: '#form-target' }));
  await visit.page.fill('#form-target input[name=email]', 'cy@example.com');
  await visit.page.click('#form-target .hs-button');
  const forms = await visit.forms();
  assert.deepEqual(forms.created, [{ portalId: '62515', formId: 'f-1', target: '#form-target' }]);
  assert.deepEqual(forms.submissions, [{ formId: 'f-1', values: { email: 'cy@example.com', firstname: '', message: '' } }]);
  assert.match(await visit.page.textContent('#form-target'), /Thanks/);
});

test('emulator: hbspt.forms.create announces each step as HubSpot documents (hsFormCallback messages, callbacks)', async () => {
  const visit = await harness.open('/tests/e2e/fixtures/blank.html');
  await inject(visit.page, 'https://js.hsforms.net/forms/embed/v2.js');
  await visit.page.evaluate(() => {
    window.seen = [];
    // The page's own listener, as HubSpot's "global form events" for legacy forms show it.
    window.addEventListener('message', (e) => {
      if (e.data?.type === 'hsFormCallback') window.seen.push(['message', e.data.eventName, e.data.id, e.data.data, e.origin]);
    });
    const callback = (name) => (form, data) => window.seen.push(['callback', name, form?.tagName ?? null, data ?? null]);
    hbspt.forms.create({
      portalId: '62515', formId: 'f-2', target: '#form-target',
      onFormReady: callback('onFormReady'),
      onBeforeFormSubmit: callback('onBeforeFormSubmit'),
      onFormSubmit: callback('onFormSubmit'),
      onFormSubmitted: callback('onFormSubmitted'),
    });
  });
  await visit.page.fill('#form-target input[name=email]', 'dee@example.com');
  await visit.page.fill('#form-target input[name=firstname]', 'Dee');
  await visit.page.fill('#form-target textarea[name=message]', 'hello');
  await visit.page.click('#form-target .hs-button');
  await visit.until(() => window.seen.some((s) => s[0] === 'message' && s[1] === 'onFormSubmitted'));

  const origin = new URL(harness.url('/')).origin;
  const list = [{ name: 'email', value: 'dee@example.com' }, { name: 'firstname', value: 'Dee' }, { name: 'message', value: 'hello' }];
  const values = { email: 'dee@example.com', firstname: 'Dee', message: 'hello' };
  const seen = await visit.page.evaluate(() => window.seen);
  assert.deepEqual(seen.filter((s) => s[0] === 'message'), [
    ['message', 'onBeforeFormInit', 'f-2', {}, origin],
    ['message', 'onFormReady', 'f-2', {}, origin],
    ['message', 'onBeforeFormSubmit', 'f-2', list, origin],
    ['message', 'onFormSubmit', 'f-2', list, origin],
    ['message', 'onFormSubmitted', 'f-2', { redirectUrl: '', submissionValues: values }, origin],
  ]);
  assert.deepEqual(seen.filter((s) => s[0] === 'callback'), [
    ['callback', 'onFormReady', 'FORM', null],
    ['callback', 'onBeforeFormSubmit', 'FORM', list],
    ['callback', 'onFormSubmit', 'FORM', values],
    ['callback', 'onFormSubmitted', 'FORM', { redirectUrl: '', submissionValues: values }],
  ]);
  assert.deepEqual((await visit.forms()).submissions, [{ formId: 'f-2', values }]);
  assert.deepEqual(visit.errors, []);
});

test('emulator: the newer embed renders .hs-form-frame forms, with global form events and HubSpotFormsV4', async () => {
  const visit = await harness.open('/tests/e2e/fixtures/blank.html');
  await visit.page.evaluate(() => {
    window.seen = [];
    for (const name of ['hs-form-event:on-ready', 'hs-form-event:on-submission:success']) {
      window.addEventListener(name, async (event) => {
        const form = HubSpotFormsV4.getFormFromEvent(event);
        window.seen.push({ name, detail: event.detail, formId: form.getFormId(), instanceId: form.getInstanceId(), fields: await form.getFormFieldValues() });
      });
    }
    // HubSpot's embed snippet: the frame element and the portal's embed script.
    document.body.insertAdjacentHTML('beforeend', '<div class="hs-form-frame" data-region="na1" data-form-id="f-4" data-portal-id="62515"></div>');
  });
  // The SDK first, as a site with loadFormsSdk has it: the embed script is a second copy of the emulator.
  await inject(visit.page, 'https://js.hsforms.net/forms/embed/v2.js');
  assert.equal(await visit.page.$('.hs-form-frame form'), null, 'the SDK alone renders no embed');
  await inject(visit.page, 'https://js.hsforms.net/forms/embed/62515.js');
  await visit.page.fill('.hs-form-frame input[name="0-1/email"]', 'eve@example.com');
  await visit.page.click('.hs-form-frame .hs-button');
  await visit.until(() => window.seen.length === 2);

  const forms = await visit.forms();
  assert.equal(forms.loads, 2);
  const { instanceId } = forms.created[0];
  assert.deepEqual(forms.created, [{ portalId: '62515', formId: 'f-4', instanceId, region: 'na1' }]);
  const fields = [{ name: '0-1/email', value: 'eve@example.com' }, { name: '0-1/firstname', value: '' }, { name: '0-1/message', value: '' }];
  const seen = await visit.page.evaluate(() => window.seen);
  assert.deepEqual(seen.map((s) => [s.name, s.detail, s.formId, s.instanceId]), [
    ['hs-form-event:on-ready', { formId: 'f-4', instanceId }, 'f-4', instanceId],
    ['hs-form-event:on-submission:success', { formId: 'f-4', instanceId }, 'f-4', instanceId],
  ]);
  assert.deepEqual(seen[1].fields, fields, 'the submitted values, read after the thank-you message replaced the form');
  assert.deepEqual(forms.submissions, [{ formId: 'f-4', instanceId, values: { '0-1/email': 'eve@example.com', '0-1/firstname': '', '0-1/message': '' } }]);
  assert.match(await visit.page.textContent('.hs-form-frame'), /Thanks/);
  assert.deepEqual(visit.errors, []);
});
