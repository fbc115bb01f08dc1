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
  assert.deepEqual(forms.submissions, [{ formId: 'f-1', values: { email: 'cy@example.com', firstname: '' } }]);
  assert.match(await visit.page.textContent('#form-target'), /Thanks/);
});
