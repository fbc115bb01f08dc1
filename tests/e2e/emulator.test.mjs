// The HubSpot emulators are the stand-ins for the one thing these tests cannot reach, so they are
// checked on their own first: driven by hand through _hsq and _hsp, the way HubSpot documents its
// queues, with no plugin involved. Each test pins one behaviour of HubSpot's real tracker (docs/architecture.md,
// The emulators) as the emulator models it. If these fail, every other e2e result is suspect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const PAGE = '/tests/e2e/fixtures/blank.html';
// HubSpot's embed: its loader, which adds the banner and the tracker (from hs-analytics.net).
const TRACKER = 'https://js.hs-scripts.com/62515.js';

/** Injects a script the way HubSpot's embed code does, resolving when it has run. */
function inject(page, src) {
  return page.evaluate(
    (src) =>
      new Promise((ok, fail) => {
        const s = document.createElement('script');
        s.src = src;
        s.onload = ok;
        s.onerror = () => fail(new Error(`failed: ${src}`));
        document.head.append(s);
      }),
    src,
  );
}

/** Opens the blank page, runs `queue` in it (the page's own pushes), then loads the tracker
 *  through HubSpot's loader; resolves once the tracker has run. */
async function start(queue = () => {}, options) {
  const visit = await harness.open(PAGE, options);
  await visit.page.evaluate(queue);
  await inject(visit.page, TRACKER);
  await visit.until(() => window.__hubspot);
  return visit;
}

/** Waits until the banner emulator has taken over _hsp. */
function bannerReady(visit) {
  return visit.until(() => window.__hubspotBanner && window._hsp.push !== Array.prototype.push);
}

const pick = (entry, ...keys) => Object.fromEntries(keys.map((k) => [k, entry[k]]));

test("emulator: the page's queue runs first with set-up commands ahead, then its own setPortalId and page view; the last queued setPath wins for both page views", async () => {
  const visit = await start(() => {
    window._hsq = [];
    _hsq.push(['setPath', '/first']);
    _hsq.push(['trackPageView']);
    _hsq.push(['setPath', '/second']);
    _hsq.push(['trackEvent', { id: 'Queued' }]);
  });
  const log = await visit.hubspot();
  assert.equal(log.portalId, '62515');
  assert.match(log.src, /^https:\/\/js\.hs-analytics\.net\/analytics\/\d+\/62515\.js$/, 'the tracker, added by the loader');
  assert.equal(log.loads, 1);
  assert.deepEqual(log.commands, [
    ['setPath', '/first'],
    ['setPath', '/second'],
    ['setPortalId', 62515],
    ['trackPageView'],
    ['trackEvent', { id: 'Queued' }],
    ['trackPageView'],
  ]);
  assert.deepEqual(
    log.sent.map((e) => pick(e, 'kind', 'path', 'initial')),
    [
      { kind: 'pageView', path: '/second', initial: false },
      { kind: 'event', path: '/second', initial: false },
      { kind: 'pageView', path: '/second', initial: true },
    ],
  );
  assert.match(log.sent[0].url, /^https:\/\/track\.hubspot\.com\/__ptq\.gif\?k=1&/);
  assert.match(log.sent[0].url, /[?&]a=62515(&|$)/);
  assert.match(log.sent[0].url, /[?&]po=%2Fsecond&rpo=%2Ffirst(&|$)/);
  assert.equal(await visit.page.evaluate(() => window._hsq.push === Array.prototype.push), false);
  assert.equal(await visit.page.evaluate(() => window._hsq.length), 0);
  // HubSpot's loader: the cookie banner beside the tracker, each once (by element id).
  assert.equal(
    await visit.page.evaluate(() => document.getElementById('cookieBanner-62515')?.src),
    'https://js.hs-banner.com/v2/62515/banner.js',
  );
  await inject(visit.page, TRACKER);
  // A second copy of the tracker itself does nothing either.
  await inject(visit.page, log.src);
  const again = await visit.hubspot();
  assert.equal(again.loads, 2, 'the loader added no second tracker; the copy injected by hand counted once');
  assert.equal(again.sent.length, 3, 'a second copy sends nothing');
  assert.equal(visit.requestsTo('classicTracker').length, 2);
  assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-banner.com"]').length), 1);
  await bannerReady(visit);
  assert.deepEqual(
    visit.requestsTo('banner').map((r) => r.url),
    ['https://js.hs-banner.com/v2/62515/banner.js'],
  );
  assert.deepEqual(visit.unexpectedRequests, []);
  assert.deepEqual(visit.errors, []);
});

test('emulator: identify is kept and merged, and rides every later request (HubSpot keeps the first object and writes into it)', async () => {
  const visit = await start();
  await visit.page.evaluate(() => {
    window.first = { email: 'ada@example.com' };
    _hsq.push(['identify', window.first]);
    _hsq.push(['trackPageView']);
    _hsq.push(['identify', { firstname: 'Ada', tags: ['a', 'b'] }]);
    _hsq.push(['trackCustomBehavioralEvent', { name: 'pe62515_clicked' }]);
    _hsq.push(['trackPageView']);
  });
  const { sent } = await visit.hubspot();
  assert.equal(sent[0].identity, null, 'the automatic page view went before any identify');
  assert.deepEqual(
    sent.slice(1).map((e) => [e.kind, e.identity]),
    [
      ['pageView', { email: 'ada@example.com' }],
      ['customEvent', { email: 'ada@example.com', firstname: 'Ada', tags: ['a', 'b'] }],
      ['pageView', { email: 'ada@example.com', firstname: 'Ada', tags: ['a', 'b'] }],
    ],
  );
  assert.match(sent[1].url, /[?&]i=email%3Dada%2540example.com(&|$)/, 'the identity is encoded twice');
  assert.deepEqual(await visit.page.evaluate(() => Object.keys(window.first)), ['email', 'firstname', 'tags']);
  assert.deepEqual(visit.errors, []);
});

test('emulator: function entries run in queue order, with the tracker, after _hsq.push became the dispatcher', async () => {
  const visit = await start(() => {
    window.seen = [];
    window._hsq = [
      (tracker, hstc) => {
        seen.push(['first', window._hsq.push === Array.prototype.push, typeof tracker.trackPageView, typeof hstc]);
        window._hsq.push(['setPath', '/from-function']); // runs at once
        seen.push(['pushed', window._hsq.length]); // the rest: the page view, the function, the script's page view
      },
      ['trackPageView'],
      () => seen.push(['second']),
    ];
  });
  assert.deepEqual(await visit.page.evaluate(() => window.seen), [['first', false, 'function', 'object'], ['pushed', 3], ['second']]);
  const log = await visit.hubspot();
  assert.deepEqual(log.commands, [
    ['setPortalId', 62515],
    ['<function>'],
    ['setPath', '/from-function'],
    ['trackPageView'],
    ['<function>'],
    ['trackPageView'],
  ]);
  assert.deepEqual(
    log.sent.map((e) => [e.path, e.initial]),
    [
      ['/from-function', false],
      ['/from-function', true],
    ],
  );
  assert.deepEqual(visit.errors, []);
});

test('emulator: after start, push runs its FIRST argument only; unknown names and throwing entries are swallowed', async () => {
  const visit = await start();
  await visit.page.evaluate(() => {
    _hsq.push(['setPath', '/one'], ['trackPageView']);
    _hsq.push(['trackPageView'], ['trackEvent', { id: 'lost' }]);
    _hsq.push(['noSuchCommand', 1]);
    _hsq.push(() => {
      throw new Error('boom');
    });
    _hsq.push('trackPageView');
  });
  const log = await visit.hubspot();
  assert.deepEqual(
    log.sent.slice(1).map((e) => pick(e, 'kind', 'path')),
    [{ kind: 'pageView', path: '/one' }],
  );
  assert.deepEqual(
    log.ignored.map((i) => i.command),
    [['noSuchCommand', 1], ['<function>'], 'trackPageView'],
  );
  assert.match(log.ignored[1].why, /boom/);
  assert.deepEqual(visit.errors, []);
});

test('emulator: custom event properties arrive as HubSpot encodes them (objects as [object Object], arrays as repeated keys, empty values as "")', async () => {
  const visit = await start();
  await visit.page.evaluate(() =>
    _hsq.push([
      'trackCustomBehavioralEvent',
      {
        name: 'pe62515_checkout',
        properties: { plan: { tier: 'pro' }, items: ['a', 'b'], total: 12.5, text: 'a b&c', zero: 0, no: false, none: null },
      },
    ]),
  );
  const [event] = (await visit.hubspot()).sent.slice(1);
  assert.equal(event.kind, 'customEvent');
  assert.equal(event.name, 'pe62515_checkout');
  assert.deepEqual(event.properties, {
    plan: '[object Object]',
    items: ['a', 'b'],
    total: '12.5',
    text: 'a b&c',
    zero: '',
    no: '',
    none: '',
  });
  assert.match(
    event.url,
    /^https:\/\/track\.hubspot\.com\/__ptbe\.gif\?n=pe62515_checkout&_plan=%5Bobject\+Object%5D&_items=a&_items=b&_total=12\.5&_text=a\+b%26c&/,
  );
  assert.deepEqual(visit.errors, []);
});

test("emulator: the legacy trackEvent sends k=3 with n=<id> and m=<value> beside the object's own keys", async () => {
  const visit = await start();
  await visit.page.evaluate(() => {
    window.event3 = { id: 'Signed up', value: 12, plan: 'pro' };
    _hsq.push(['trackEvent', window.event3]);
  });
  const [event] = (await visit.hubspot()).sent.slice(1);
  assert.deepEqual(pick(event, 'kind', 'id', 'value'), { kind: 'event', id: 'Signed up', value: '12' });
  assert.match(event.url, /__ptq\.gif\?id=Signed\+up&value=12&plan=pro&k=3&n=Signed\+up&m=12&/);
  // HubSpot builds the request in the caller's object.
  assert.equal(await visit.page.evaluate(() => window.event3.k), 3);
  assert.deepEqual(visit.errors, []);
});

test('emulator: doNotTrack sets __hs_do_not_track=yes and nothing is sent until doNotTrack({ track: true })', async () => {
  const visit = await start();
  await visit.page.evaluate(() => {
    _hsq.push(['doNotTrack']);
    _hsq.push(['trackPageView']);
    _hsq.push(['trackCustomBehavioralEvent', { name: 'pe62515_hidden' }]);
  });
  let log = await visit.hubspot();
  assert.equal(log.doNotTrack, true);
  assert.equal(log.sent.length, 1);
  assert.match(await visit.page.evaluate(() => document.cookie), /__hs_do_not_track=yes/);
  await visit.page.evaluate(() => {
    _hsq.push(['doNotTrack', { track: true }]);
    _hsq.push(['trackPageView']);
  });
  log = await visit.hubspot();
  assert.equal(log.doNotTrack, false);
  assert.deepEqual(
    log.sent.map((e) => e.kind),
    ['pageView', 'pageView'],
  );
  assert.deepEqual(visit.errors, []);
});

test('emulator: resetVisitor starts a new visitor with no identity, and later requests say rv=1', async () => {
  const visit = await start();
  await bannerReady(visit);
  await visit.page.evaluate(() => {
    _hsq.push(['identify', { email: 'bo@example.com' }]);
    _hsq.push(['trackPageView']);
    _hsq.push(['resetVisitor']);
    _hsq.push(['trackPageView']);
  });
  const log = await visit.hubspot();
  const [before, after] = log.sent.slice(1);
  assert.deepEqual(pick(before, 'identity', 'resetVisitor'), { identity: { email: 'bo@example.com' }, resetVisitor: false });
  assert.deepEqual(pick(after, 'identity', 'resetVisitor', 'consentAllowed'), { identity: null, resetVisitor: true, consentAllowed: true });
  assert.equal(before.visitor, log.sent[0].visitor);
  assert.match(after.visitor, /^[0-9a-f]{32}$/);
  assert.notEqual(after.visitor, before.visitor);
  assert.equal(log.visitor, after.visitor);
  assert.deepEqual(visit.errors, []);
});

test('emulator: revokeCookieConsent through the banner: cookies gone, a new visitor without identity, k=30 with ce=false', async () => {
  const visit = await start();
  await bannerReady(visit);
  await visit.page.evaluate(() => {
    _hsq.push(['identify', { email: 'cy@example.com' }]);
    _hsq.push(['trackPageView']);
  });
  assert.match(await visit.page.evaluate(() => document.cookie), /__hstc=/);
  await visit.page.evaluate(() => _hsp.push(['revokeCookieConsent']));
  const log = await visit.hubspot();
  const [initial, before, revoke] = log.sent;
  // (Whether the banner answered before the tracker's own page view depends on which of the two
  // scripts the loader added arrived first.)
  assert.deepEqual(pick(initial, 'kind', 'initial'), { kind: 'pageView', initial: true }, "the tracker's own page view");
  assert.deepEqual(pick(before, 'kind', 'consentAllowed', 'identity'), {
    kind: 'pageView',
    consentAllowed: true,
    identity: { email: 'cy@example.com' },
  });
  assert.deepEqual(pick(revoke, 'kind', 'consentAllowed', 'identity', 'resetVisitor'), {
    kind: 'revokeConsent',
    consentAllowed: false,
    identity: null,
    resetVisitor: true,
  });
  assert.match(revoke.url, /__ptq\.gif\?k=30&/);
  assert.match(revoke.url, /&ce=false&/);
  assert.notEqual(revoke.visitor, before.visitor);
  assert.doesNotMatch(await visit.page.evaluate(() => document.cookie), /__hstc=|hubspotutk=/);
  const banner = await visit.banner();
  assert.deepEqual(banner.consent, {
    allowed: false,
    categories: { necessary: true, analytics: false, advertisement: false, functionality: false },
  });
  // The tracker's listeners (consent, settings, cookie saving), the revocation, then the cookie
  // saving listener of the new visitor.
  assert.deepEqual(
    banner.commands.map((c) => c[0]),
    [
      'addPrivacyConsentListener',
      'addPrivacySettingsListener',
      'addPrivacyConsentListener',
      'revokeCookieConsent',
      'addPrivacyConsentListener',
    ],
  );
  assert.deepEqual(visit.errors, []);
});

test('emulator: without the banner script _hsp is never processed', async () => {
  const visit = await start(() => {}, { banner: 'abort' });
  await visit.page.evaluate(() => {
    _hsp.push(['revokeCookieConsent']);
    _hsq.push(['trackPageView']);
  });
  await visit.page.waitForTimeout(200);
  const log = await visit.hubspot();
  assert.deepEqual(
    log.sent.map((e) => [e.kind, e.consentAllowed]),
    [
      ['pageView', false],
      ['pageView', false],
    ],
  );
  assert.equal(await visit.page.evaluate(() => window._hsp.push === Array.prototype.push), true);
  assert.deepEqual(await visit.page.evaluate(() => window._hsp.map((c) => c[0])), [
    'addPrivacyConsentListener',
    'addPrivacySettingsListener',
    'addPrivacyConsentListener',
    'revokeCookieConsent',
  ]);
  assert.equal(await visit.banner(), null);
  assert.doesNotMatch(await visit.page.evaluate(() => document.cookie), /__hstc=/);
});

test("emulator: the banner calls a consent listener at once when consent exists, and on the visitor's choice (stored for the next page)", async () => {
  const visit = await harness.open(PAGE);
  await visit.page.evaluate(() => {
    window.__hubspotBannerPolicy = { mode: 'OPT_IN', choice: null };
  });
  await inject(visit.page, TRACKER);
  await bannerReady(visit);
  await visit.page.evaluate(() => {
    window.heard = [];
    _hsp.push(['addPrivacyConsentListener', (c) => heard.push(['early', c.allowed, c.categories])]);
  });
  assert.deepEqual(await visit.page.evaluate(() => window.heard), [], 'OPT_IN: no consent before the visitor chooses');
  assert.equal((await visit.banner()).consent, null);
  await visit.page.evaluate(() => {
    __hubspotBanner.choose({ analytics: true, advertisement: false, functionality: true });
    _hsp.push(['addPrivacyConsentListener', (c) => heard.push(['late', c.allowed, c.categories])]);
    _hsq.push(['trackPageView']);
  });
  const categories = { necessary: true, analytics: true, advertisement: false, functionality: true };
  assert.deepEqual(await visit.page.evaluate(() => window.heard), [
    ['early', false, categories],
    ['late', false, categories],
  ]);
  assert.match(await visit.page.evaluate(() => document.cookie), /__hs_cookie_cat_pref=1%3Atrue%2C2%3Afalse%2C3%3Atrue/);
  const log = await visit.hubspot();
  assert.deepEqual(
    log.sent.map((e) => [e.kind, e.consentAllowed]),
    [
      ['pageView', false],
      ['k28', true],
      ['pageView', true],
    ],
  );

  await visit.page.reload();
  await visit.page.evaluate(() => {
    window.__hubspotBannerPolicy = { mode: 'OPT_IN', choice: null };
  });
  await inject(visit.page, TRACKER);
  await bannerReady(visit);
  assert.deepEqual((await visit.banner()).consent, { allowed: false, categories });
  assert.deepEqual(visit.errors, []);
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
      portalId: '62515',
      formId: 'f-2',
      target: '#form-target',
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
  const list = [
    { name: 'email', value: 'dee@example.com' },
    { name: 'firstname', value: 'Dee' },
    { name: 'message', value: 'hello' },
  ];
  const values = { email: 'dee@example.com', firstname: 'Dee', message: 'hello' };
  const seen = await visit.page.evaluate(() => window.seen);
  assert.deepEqual(
    seen.filter((s) => s[0] === 'message'),
    [
      ['message', 'onBeforeFormInit', 'f-2', {}, origin],
      ['message', 'onFormReady', 'f-2', {}, origin],
      ['message', 'onBeforeFormSubmit', 'f-2', list, origin],
      ['message', 'onFormSubmit', 'f-2', list, origin],
      ['message', 'onFormSubmitted', 'f-2', { redirectUrl: '', submissionValues: values }, origin],
    ],
  );
  assert.deepEqual(
    seen.filter((s) => s[0] === 'callback'),
    [
      ['callback', 'onFormReady', 'FORM', null],
      ['callback', 'onBeforeFormSubmit', 'FORM', list],
      ['callback', 'onFormSubmit', 'FORM', values],
      ['callback', 'onFormSubmitted', 'FORM', { redirectUrl: '', submissionValues: values }],
    ],
  );
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
        window.seen.push({
          name,
          detail: event.detail,
          formId: form.getFormId(),
          instanceId: form.getInstanceId(),
          fields: await form.getFormFieldValues(),
        });
      });
    }
    // HubSpot's embed snippet: the frame element and the portal's embed script.
    document.body.insertAdjacentHTML(
      'beforeend',
      '<div class="hs-form-frame" data-region="na1" data-form-id="f-4" data-portal-id="62515"></div>',
    );
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
  const fields = [
    { name: '0-1/email', value: 'eve@example.com' },
    { name: '0-1/firstname', value: '' },
    { name: '0-1/message', value: '' },
  ];
  const seen = await visit.page.evaluate(() => window.seen);
  assert.deepEqual(
    seen.map((s) => [s.name, s.detail, s.formId, s.instanceId]),
    [
      ['hs-form-event:on-ready', { formId: 'f-4', instanceId }, 'f-4', instanceId],
      ['hs-form-event:on-submission:success', { formId: 'f-4', instanceId }, 'f-4', instanceId],
    ],
  );
  assert.deepEqual(seen[1].fields, fields, 'the submitted values, read after the thank-you message replaced the form');
  assert.deepEqual(forms.submissions, [
    { formId: 'f-4', instanceId, values: { '0-1/email': 'eve@example.com', '0-1/firstname': '', '0-1/message': '' } },
  ]);
  assert.match(await visit.page.textContent('.hs-form-frame'), /Thanks/);
  assert.deepEqual(visit.errors, []);
});
