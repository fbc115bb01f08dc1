/*
 * A stand-in for HubSpot's cookie banner script (js.hs-banner.com/v2/<portalId>/banner.js), the
 * only code that processes window._hsp. Our own code, modelling what HubSpot's banner was observed
 * to do; it shows no banner, a test "clicks" with window.__hubspotBanner.choose().
 *
 *   - Starts once document.readyState is 'complete' (else on window load): _hsp.push becomes a
 *     synchronous dispatcher of ['name', ...args] (anything else is ignored), then the queue is
 *     processed: setCookiesToSubdomain, setUseSecureCookies, addCookieDomain,
 *     addEnabledFeatureGates, setApiBaseUrl first; then the policy is applied; then the rest in order.
 *   - The policy: window.__hubspotBannerPolicy = { mode: 'OPT_IN' | 'DISABLED', choice: null |
 *     { analytics, advertisement, functionality } }, read when the banner starts. DISABLED (the
 *     default, HubSpot's "policy off"): consent allowed, every category true. OPT_IN: no consent at
 *     all until the visitor chooses (listeners are not called, the tracker sends ce=false and writes
 *     no cookie). A choice stored in the cookie __hs_cookie_cat_pref ('1:true,2:false,3:true') or
 *     given as `choice` is applied at start.
 *   - addPrivacyConsentListener(fn): fn(consent) at once when a consent state exists, and on every
 *     change; consent = { allowed, categories: { necessary, analytics, advertisement, functionality },
 *     previousCategories }.
 *   - revokeCookieConsent(): HubSpot's cookies deleted (__hstc, hubspotutk, __hssc, __hssrc,
 *     __hs_do_not_track, __hs_cookie_cat_pref, __hs_opt_out, __hs_initial_opt_in, messagesUtk),
 *     consent not allowed (listeners called: the tracker drops its cookies and starts a new visitor),
 *     then ['trackRevokeCookieConsent'] pushed to _hsq (-> __ptq.gif?k=30&ce=false).
 *   - setHubSpotConsent({ analytics, advertisement, functionality }): those categories (allowed when
 *     all three are true), stored in __hs_cookie_cat_pref, listeners called.
 *   - __hubspotBanner.choose(choices): the visitor's click in the banner: as setHubSpotConsent, then
 *     ['trackApproveCookieConsent'] (k=28) or, without analytics, ['trackDeclineCookieConsent'] (k=29).
 *
 * The log, window.__hubspotBanner (and a 'hubspot-emulator' CustomEvent on window, detail
 * { type: 'bannerCommand' | 'consent' | 'bannerIgnored', entry }, after every change):
 *   { src, loads, policy, consent: { allowed, categories } | null, commands: [[name, ...args] copies,
 *     a function argument as '<function>'], ignored: [{ queue: '_hsp', command, why }], choose }
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (window.__hubspotBanner) {
    window.__hubspotBanner.loads += 1;
    notify('bannerLoad', null);
    return;
  }

  var CHOICE_COOKIE = '__hs_cookie_cat_pref';
  var HUBSPOT_COOKIES = [
    CHOICE_COOKIE,
    '__hs_initial_opt_in',
    '__hs_opt_out',
    '__hssc',
    '__hssrc',
    '__hs_do_not_track',
    '__hstc',
    'hubspotutk',
    'messagesUtk',
  ];
  var EARLY = ['setCookiesToSubdomain', 'setUseSecureCookies', 'addCookieDomain', 'addEnabledFeatureGates', 'setApiBaseUrl'];

  var given = window.__hubspotBannerPolicy || {};
  var policy = { mode: given.mode === 'OPT_IN' ? 'OPT_IN' : 'DISABLED', choice: given.choice ? categoriesOf(given.choice) : null };
  var settings = { mode: policy.mode, active: policy.mode !== 'DISABLED', hideDecline: false };

  var consent = null;
  var consentListeners = [];
  var settingsListeners = [];
  var cookieDomain = null;
  var cookiesToSubdomain = false;
  var secure = false;

  var log = {
    src: script ? script.src : '',
    loads: 1,
    policy: { mode: policy.mode, choice: policy.choice && copy(policy.choice) },
    consent: null,
    commands: [],
    ignored: [],
    choose: choose,
  };
  window.__hubspotBanner = log;

  var banner = {
    addPrivacyConsentListener: function (listener) {
      if (consent) safeCall(listener, consentCopy());
      consentListeners.push(listener);
    },
    addPrivacySettingsListener: function (listener) {
      safeCall(listener, { mode: settings.mode, active: settings.active, hideDecline: settings.hideDecline });
      settingsListeners.push(listener);
    },
    revokeCookieConsent: function () {
      for (var i = 0; i < HUBSPOT_COOKIES.length; i++) removeCookie(HUBSPOT_COOKIES[i]);
      setConsent(false, null);
      trackAction('trackRevokeCookieConsent');
    },
    setHubSpotConsent: function (choices) {
      var categories = categoriesOf(choices);
      setConsent(allOf(categories), categories);
      storeChoice();
    },
    showBanner: function () {},
    addCookieDomain: function (domain) {
      if (('.' + location.hostname).slice(-domain.length) === domain && (!cookieDomain || domain.length < cookieDomain.length))
        cookieDomain = domain;
    },
    setCookiesToSubdomain: function (value) {
      cookiesToSubdomain = value;
    },
    setUseSecureCookies: function (value) {
      secure = !!value;
    },
    addEnabledFeatureGates: function () {},
    setApiBaseUrl: function () {},
  };

  if (document.readyState === 'complete') run();
  else window.addEventListener('load', run, true);

  function run() {
    var queue = window._hsp || (window._hsp = []);
    if (!Array.isArray(queue)) queue = window._hsp = [];
    queue.push = dispatch;
    for (var i = 0; i < queue.length; i++) {
      if (Array.isArray(queue[i]) && EARLY.indexOf(queue[i][0]) !== -1) {
        dispatch(queue[i]);
        queue.splice(i--, 1);
      }
    }
    applyPolicy();
    while (queue.length) dispatch(queue.shift());
    notify('bannerReady', null);
  }

  function applyPolicy() {
    for (var i = 0; i < settingsListeners.length; i++) safeCall(settingsListeners[i], settings);
    var stored = getCookie(CHOICE_COOKIE);
    if (stored) {
      var categories = fromCookieString(stored);
      setConsent(allOf(categories), categories);
    } else if (policy.choice) {
      setConsent(allOf(policy.choice), policy.choice);
      storeChoice();
    } else if (policy.mode === 'DISABLED') {
      setConsent(true, null);
    }
    // OPT_IN without a choice: HubSpot shows its banner and sets no consent until a click.
  }

  function dispatch(command) {
    try {
      if (Array.isArray(command) && command.length > 0 && Object.prototype.hasOwnProperty.call(banner, command[0])) {
        var entry = copy(command);
        log.commands.push(entry);
        notify('bannerCommand', entry);
        return banner[command[0]].apply(banner, command.slice(1));
      }
      ignore(
        command,
        Array.isArray(command)
          ? 'the banner has no such command: HubSpot does nothing'
          : 'not a [name, ...args] array: HubSpot does nothing',
      );
    } catch (error) {
      ignore(command, 'threw ' + String(error) + ' (HubSpot swallows it)');
    }
    return false;
  }

  /** The visitor's choice in the banner (what a click on "save" or "accept" does). */
  function choose(choices) {
    var categories = categoriesOf(choices || {});
    setConsent(allOf(categories), categories);
    storeChoice();
    trackAction(categories.analytics ? 'trackApproveCookieConsent' : 'trackDeclineCookieConsent');
    return log.consent;
  }

  function setConsent(allowed, categories) {
    var previous = consent && consent.categories;
    consent = {
      allowed: !!allowed,
      categories: categories || { necessary: true, analytics: !!allowed, advertisement: !!allowed, functionality: !!allowed },
      previousCategories: previous || { necessary: true, analytics: false, advertisement: false, functionality: false },
    };
    log.consent = { allowed: consent.allowed, categories: copy(consent.categories) };
    var listeners = consentListeners.slice();
    for (var i = 0; i < listeners.length; i++) safeCall(listeners[i], consentCopy());
    notify('consent', log.consent);
  }

  function consentCopy() {
    return { allowed: consent.allowed, categories: copy(consent.categories), previousCategories: copy(consent.previousCategories) };
  }

  function storeChoice() {
    var c = consent.categories;
    setCookie(CHOICE_COOKIE, '1:' + c.analytics + ',2:' + c.advertisement + ',3:' + c.functionality, 390);
  }

  function fromCookieString(text) {
    var names = { 1: 'analytics', 2: 'advertisement', 3: 'functionality' };
    var categories = { necessary: true, analytics: false, advertisement: false, functionality: false };
    text.split(',').forEach(function (pair) {
      var parts = pair.split(':');
      if (parts.length === 2 && names[parts[0]]) categories[names[parts[0]]] = parts[1] === 'true';
    });
    return categories;
  }

  function categoriesOf(choices) {
    return {
      necessary: true,
      analytics: !!choices.analytics,
      advertisement: !!choices.advertisement,
      functionality: !!choices.functionality,
    };
  }

  function allOf(categories) {
    return categories.analytics && categories.advertisement && categories.functionality;
  }

  function trackAction(name) {
    (window._hsq = window._hsq || []).push([name]);
  }

  function safeCall(listener, value) {
    try {
      listener(value);
    } catch (_e) {
      /* HubSpot reports a listener's error and goes on */
    }
  }

  function getCookie(name) {
    var match = new RegExp('(^|;)[ ]*' + name + '=([^;]*)').exec(document.cookie);
    return match ? decodeURIComponent(match[2]) : '';
  }

  function setCookie(name, value, days) {
    var expires = days > 0 ? ';expires=' + new Date(Date.now() + days * 86400000).toUTCString() : ';expires=Thu, 01 Jan 1970 00:00:01 GMT';
    var rest = ';path=/;SameSite=Lax' + (secure ? ';secure' : '');
    if (cookieDomain && !cookiesToSubdomain)
      document.cookie = name + '=' + encodeURIComponent(value) + expires + ';domain=' + cookieDomain + rest;
    document.cookie = name + '=' + encodeURIComponent(value) + expires + rest;
  }

  function removeCookie(name) {
    setCookie(name, '', -1);
  }

  function ignore(command, why) {
    var entry = { queue: '_hsp', command: typeof command === 'function' ? ['<function>'] : copy(command), why: why };
    log.ignored.push(entry);
    notify('bannerIgnored', entry);
  }

  function copy(value) {
    try {
      var text = JSON.stringify(value === undefined ? null : value, function (_key, v) {
        if (typeof v === 'function') return '<function>';
        if (typeof v === 'bigint' || typeof v === 'symbol') return String(v);
        return v;
      });
      return text === undefined ? null : JSON.parse(text);
    } catch (_e) {
      return String(value);
    }
  }

  function notify(type, entry) {
    try {
      window.dispatchEvent(new CustomEvent('hubspot-emulator', { detail: { type: type, entry: entry } }));
    } catch (_e) {
      /* a listener's failure must not break the banner */
    }
  }
})();
