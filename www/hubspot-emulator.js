/*
 * A stand-in for HubSpot's tracker (js.hs-analytics.net/analytics/<timestamp>/<portalId>.js, which
 * HubSpot's loader at js.hs-scripts.com/<portalId>.js adds: www/hubspot-loader-emulator.js), for
 * the demo, the end-to-end tests and the bench, which run with no internet. It is our own code, written to reproduce what
 * HubSpot's tracker (build 1.398) was observed to do with every request stubbed, so
 * that tests assert what HubSpot's servers would actually receive:
 *
 *   - Served from anywhere but hs-analytics.net (a self-hosted copy, named by the plugin's
 *     `trackerUrl`), it is loader and tracker in one: as HubSpot's loader, it injects the cookie
 *     banner script https://js.hs-banner.com/v2/<portalId>/banner.js (id cookieBanner-<portalId>)
 *     unless one is on the page. Such a copy may name another banner URL, relative to its own, with
 *     `?banner=<url>` (the demo serves www/hubspot-banner-emulator.js that way).
 *   - It appends ['setPortalId', N] and its own ['trackPageView'] to window._hsq, AFTER whatever the
 *     page queued, and starts once document.readyState is 'complete' (else on window load).
 *   - Start: _hsq.push is FIRST replaced by a synchronous dispatcher taking ONE argument (a function
 *     is called as fn(tracker, hstc); ['name', ...args] calls tracker.name(...args) when the tracker
 *     has such a member, else nothing; exceptions are swallowed). Then the queue is processed:
 *     setTrackingDomain / setCookiesToSubdomain / addCookieDomain / enableSecureCookie taken out and
 *     run; then setPortalId, setCanonicalUrl, setPath, setContentType, setContentMetadata, setPageId,
 *     setTargetedContentMetadata, identify, setDebugMode, setLimitTrackingToCookieDomains and
 *     setTrackingEnabled taken out of the whole queue and run (queue order); then the rest, one at a
 *     time from the front, until the raw array is empty.
 *   - identify merges into one kept identity (HubSpot keeps the FIRST object by reference and writes
 *     later keys into it); every later request carries it in `i`. setPath sets `po` (sticky).
 *     trackPageView -> __ptq.gif?k=1; trackEvent (trackConversion) -> __ptq.gif?k=3&n=<id>&m=<value>
 *     plus the object's own keys (the caller's object receives every parameter, as HubSpot's does);
 *     trackCustomBehavioralEvent -> __ptbe.gif?n=<name>&_<key>=<value> (objects as
 *     '[object Object]', arrays as repeated keys, '', '-', 0, false, null and undefined as '').
 *   - doNotTrack sets the cookie __hs_do_not_track=yes: nothing is sent while it is set;
 *     ['doNotTrack', { track: true }] removes it.
 *   - resetVisitor / resetVisitorIdentity: new visitor id, new session, no identity, rv=1 after.
 *   - Consent comes only from the banner (_hsp): until it answers, requests carry ce=false and no
 *     cookie is written; when consent is withdrawn the tracker deletes its cookies and resets the
 *     visitor. HubSpot's `_hsp` is processed by the banner script alone.
 *   - No request leaves the page: each one is recorded instead.
 *
 * The log, window.__hubspot (a 'hubspot-emulator' CustomEvent with detail { type, entry } is
 * dispatched on window after every change):
 *   { portalId, src, loads, visitor, doNotTrack,
 *     commands: [[name, ...args] copies, in the order the tracker processed them; a function entry
 *                is ['<function>'], a function argument '<function>'],
 *     sent: [{ kind: 'pageView' | 'event' | 'customEvent' | 'revokeConsent' | 'k<N>', url, path,
 *              identity, visitor, resetVisitor, consentAllowed, initial,
 *              name, properties (customEvent), id, value (event) }],
 *     ignored: [{ queue, command, why }] }
 * Each `sent` entry is parsed back from the request URL the tracker built. The portal id comes
 * from the script's src (`/62515.js`, as on HubSpot's hosts) or from `?portalId=62515`.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var src = script ? script.src : '';

  if (window.__hubspot) {
    // HubSpot's loader injects its scripts once (by element id), so a second copy does nothing;
    // counting them lets tests catch double injection.
    window.__hubspot.loads += 1;
    notify('load', null);
    return;
  }

  var TRACKING_HOST = 'track.hubspot.com';
  var DO_NOT_TRACK = '__hs_do_not_track';
  var UTK_COOKIE = '__hstc';
  var LEGACY_UTK_COOKIE = 'hubspotutk';
  var SESSION_COOKIE = '__hssc';
  var SESSION_RESTART_COOKIE = '__hssrc';
  var EARLY = ['setTrackingDomain', 'setCookiesToSubdomain', 'addCookieDomain', 'enableSecureCookie'];
  var PRIORITY = [
    'setPortalId',
    'setCanonicalUrl',
    'setPath',
    'setContentType',
    'setContentMetadata',
    'setPageId',
    'setTargetedContentMetadata',
    'identify',
    'setDebugMode',
    'setLimitTrackingToCookieDomains',
    'setTrackingEnabled',
  ];
  var toStr = Object.prototype.toString;
  var KIND = { 1: 'pageView', 3: 'event', 30: 'revokeConsent' }; // the `k` parameter of __ptq.gif

  var portalId = portalIdFrom(src);
  var log = {
    portalId: portalId,
    src: src,
    loads: 1,
    commands: [],
    sent: [],
    doNotTrack: false,
    ignored: [],
    visitor: null,
  };
  window.__hubspot = log;

  // ---- a self-hosted copy is the loader too: the cookie banner beside the tracker -------------
  if (!/(^|\.)hs-analytics\.net$/.test(hostOf(src))) loadBanner();

  // ---- the tracker script's own preamble: appended after the page's queue --------------------
  var automaticPageView = ['trackPageView'];
  var queue = (window._hsq = window._hsq || []);
  if (portalId !== null) queue.push(['setPortalId', Number(portalId)]);
  queue.push(automaticPageView);

  var state = {
    portalId: undefined,
    trackingDomain: null,
    path: undefined,
    referrerPath: undefined,
    canonicalUrl: undefined,
    relCanonicalUrl: undefined,
    contentType: undefined,
    pageId: undefined,
    contentMetadata: undefined,
    targetedContentMetadata: undefined,
    identity: null, // { raw }: HubSpot's Identity keeps the first identify object itself
    trackingEnabled: true,
    limitTrackingToCookieDomains: false,
    cookieDomain: null,
    cookieDomains: [],
    cookiesToSubdomain: false,
    secureCookie: false,
    utk: null,
    session: null,
    managedCookies: false,
    hasResetVisitor: false,
    privacyConsent: null,
    privacySettings: null,
    userTokenListeners: [],
    cookieListeners: [],
    sendingAutomatic: false,
  };

  // What a function pushed into _hsq receives as its second argument (HubSpot passes its hstc).
  var hstc = { utils: { param: param, safeString: safeString } };

  var tracker = {
    setTrackingDomain: function (domain) {
      state.trackingDomain = domain;
    },
    setCookiesToSubdomain: function (value) {
      state.cookiesToSubdomain = value;
    },
    addCookieDomain: function (domain) {
      if (endsWith('.' + location.hostname, domain) && (!state.cookieDomain || domain.length < state.cookieDomain.length)) {
        state.cookieDomain = domain;
      }
      state.cookieDomains.push(domain);
    },
    enableSecureCookie: function () {
      state.secureCookie = true;
    },
    setPortalId: function (id) {
      state.portalId = id;
      manageCookies();
    },
    setCanonicalUrl: function (url) {
      state.canonicalUrl = url;
    },
    setPath: function (path) {
      // eslint-disable-next-line eqeqeq
      if ('' == path) path = '/';
      state.referrerPath = state.path;
      state.path = path;
    },
    setContentType: function (type) {
      state.contentType = type;
    },
    setPageId: function (id) {
      state.pageId = id;
    },
    setContentMetadata: function (metadata) {
      state.contentMetadata = metadata;
    },
    setTargetedContentMetadata: function (metadata) {
      state.targetedContentMetadata = metadata;
    },
    setDebugMode: function () {},
    setLimitTrackingToCookieDomains: function (value) {
      state.limitTrackingToCookieDomains = value;
    },
    setTrackingEnabled: function (value) {
      state.trackingEnabled = !!value;
    },
    identify: function (properties, keepCookies) {
      if (!keepCookies) manageCookies();
      if (state.identity) state.identity.raw = mergeInto(state.identity.raw, properties);
      else state.identity = { raw: properties };
    },
    trackPageView: function () {
      manageCookies();
      send({ k: 1 });
    },
    trackConversion: function (event, extra) {
      manageCookies();
      if (typeof event === 'string' || typeof event === 'number') {
        event = { id: safeString(event) };
        if (extra !== undefined) event = mergeInto(event, extra);
      }
      if (isFunction(event.value)) event.value = event.value(hstc);
      send(mergeInto(event, { k: 3, n: safeString(event.id), m: safeString(event.value) }));
    },
    trackCustomBehavioralEvent: function (event) {
      if (!event) return;
      manageCookies();
      var params = {};
      if (event.name !== undefined) params.n = safeString(event.name);
      if (event.properties !== undefined) {
        for (var key in event.properties) params['_' + key] = safeString(event.properties[key]);
      }
      var url = 'https://' + trackingHost() + '/__ptbe.gif?' + param(extend(params, clientInfo(), pageInfo(), userInfo(), privacyInfo()));
      send(params, url);
    },
    trackFormView: function (formId, a, b) {
      trackForm(15, formId, a, b);
    },
    trackFormInstall: function (formId, a, b) {
      trackForm(16, formId, a, b);
    },
    trackFormVisible: function (formId, a, b) {
      trackForm(17, formId, a, b);
    },
    trackFormInteraction: function (formId, a, b) {
      trackForm(18, formId, a, b);
    },
    trackFormCompletion: function (formId, a, b) {
      trackForm(19, formId, a, b);
    },
    trackApproveCookieConsent: function () {
      send({ k: 28 });
    },
    trackDeclineCookieConsent: function () {
      send({ k: 29 });
    },
    trackRevokeCookieConsent: function () {
      send({ k: 30 });
    },
    revokeCookieConsent: function () {
      privacyCall('revokeCookieConsent');
    },
    addPrivacyConsentListener: function (listener) {
      privacyCall('addPrivacyConsentListener', listener);
    },
    doNotTrack: function (options) {
      if (options && options.track) removeCookie(DO_NOT_TRACK);
      else setCookie(DO_NOT_TRACK, 'yes', { days: 390 });
    },
    resetVisitorIdentity: resetVisitorIdentity,
    resetVisitor: function () {
      resetVisitorIdentity();
    },
    addUserTokenListener: function (listener) {
      if (state.utk) listener(state.utk.visitor);
      state.userTokenListeners.push(listener);
    },
    addCookieListener: addCookieListener,
    addIdentityListener: addCookieListener,
  };
  tracker.trackEvent = tracker.trackConversion;

  if (document.readyState === 'complete') run();
  else window.addEventListener('load', run, true);

  function run() {
    var hsq = window._hsq || (window._hsq = []);
    if (!isArray(hsq)) hsq = window._hsq = [];
    // First the dispatcher (integrations detect the running tracker by it), then the queue.
    hsq.push = dispatch;
    takeOut(hsq, EARLY);
    initialize();
    takeOut(hsq, PRIORITY);
    while (hsq.length) dispatch(hsq.shift());
    notify('ready', null);
  }

  function takeOut(hsq, names) {
    for (var i = 0; i < hsq.length; i++) {
      var entry = hsq[i];
      if (entry && isArray(entry) && names.indexOf(entry[0]) !== -1) {
        dispatch(entry);
        hsq.splice(i--, 1);
      }
    }
  }

  // _hsq.push once the tracker runs: one argument, run at once, nothing thrown to the page.
  function dispatch(entry) {
    try {
      if (typeof entry === 'function') {
        logCommand(['<function>']);
        entry(tracker, hstc);
        return;
      }
      if (entry && isArray(entry) && tracker[entry[0]]) {
        logCommand(copyCommand(entry));
        var automatic = entry === automaticPageView;
        if (automatic) state.sendingAutomatic = true;
        try {
          return tracker[entry[0]].apply(tracker, entry.slice(1));
        } finally {
          if (automatic) state.sendingAutomatic = false;
        }
      }
      ignore(
        entry,
        isArray(entry)
          ? 'the tracker has no such method: HubSpot does nothing'
          : 'neither a function nor a [name, ...args] array: HubSpot does nothing',
      );
    } catch (error) {
      ignore(entry, 'threw ' + String(error) + ' (HubSpot swallows it and reports it to __pto.gif)');
    }
  }

  function initialize() {
    // The tracker's consent comes from the banner, through _hsp.
    privacyCall('addPrivacyConsentListener', function (consent) {
      var allowed = consent && (consent.allowed || (consent.categories && consent.categories.analytics));
      var changed = allowed !== (consent && consent.previousCategories && consent.previousCategories.analytics);
      state.privacyConsent = { allowed: allowed, categories: consent && consent.categories };
      if (changed && allowed === false) {
        removeCookie(UTK_COOKIE);
        removeCookie(LEGACY_UTK_COOKIE);
        removeCookie(SESSION_RESTART_COOKIE);
        removeCookie(SESSION_COOKIE);
        resetVisitorIdentity();
      }
      notify('consent', state.privacyConsent);
    });
    privacyCall('addPrivacySettingsListener', function (settings) {
      state.privacySettings = settings;
    });
    var links = document.getElementsByTagName('link');
    for (var i = 0; i < links.length; i++) {
      if (links[i].rel === 'canonical') {
        state.relCanonicalUrl = links[i].href;
        break;
      }
    }
  }

  // ---- visitor and session -----------------------------------------------------------------

  function manageCookies(utk, session, force) {
    if (state.managedCookies && !force) return;
    if (!state.hasResetVisitor) {
      var email = queryParam('__hs_email');
      if (email !== null) tracker.identify({ email: email }, true);
    }
    state.utk = state.utk || utk || parseUtk();
    state.session = state.session || session || parseSession();
    if (!window.__hsUserToken) window.__hsUserToken = state.utk.visitor;
    log.visitor = state.utk.visitor;
    onConsentGiven(function () {
      var days = 390;
      setCookie(UTK_COOKIE, utkString(state.utk), { days: days });
      setCookie(LEGACY_UTK_COOKIE, state.utk.visitor, { days: days });
      setCookie(SESSION_RESTART_COOKIE, '1', {});
      setCookie(SESSION_COOKIE, [domainHash(), state.session.views, state.session.start].join('.'), { minutes: 30 });
    });
    for (var i = 0; i < state.userTokenListeners.length; i++) state.userTokenListeners[i](state.utk.visitor);
    for (var j = 0; j < state.cookieListeners.length; j++) state.cookieListeners[j](utkString(state.utk), sessionString(), fingerprint());
    state.managedCookies = true;
  }

  function resetVisitorIdentity() {
    state.hasResetVisitor = true;
    state.utk = newUtk(null, false);
    state.session = newSession();
    state.identity = null;
    manageCookies(state.utk, state.session, true);
    notify('visitor', state.utk.visitor);
  }

  function addCookieListener(listener) {
    var utk = state.utk && state.utk.visitor ? utkString(state.utk) : null;
    var session = state.session ? sessionString() : null;
    if (utk || session) listener(utk, session, fingerprint());
    state.cookieListeners.push(listener);
  }

  function newUtk(visitor, returning) {
    var now = Date.now();
    return { visitor: visitor || uuid(), initial: now, previous: now, current: now, sessions: 1, returning: returning };
  }

  function parseUtk() {
    var parts = getCookie(UTK_COOKIE).split('.');
    if (parts.length === 6 && parts[1].length > 0) {
      var utk = newUtk(parts[1].toLowerCase(), true);
      utk.initial = parts[2];
      utk.previous = parts[3];
      utk.current = parts[4];
      utk.sessions = parseInt(parts[5], 10);
      return utk;
    }
    if (parts.length === 1 && parts[0].length > 0) return newUtk(parts[0].toLowerCase(), false);
    var legacy = getCookie(LEGACY_UTK_COOKIE);
    if (/[0-9a-f]{32}/.test(legacy)) return newUtk(legacy, false);
    return newUtk(null, false);
  }

  function parseSession() {
    if (getCookie(SESSION_RESTART_COOKIE) === '1') {
      var parts = getCookie(SESSION_COOKIE).split('.');
      if (parts.length === 3) return { views: parseInt(parts[1], 10) + 1, start: parts[2] };
    }
    return newSession();
  }

  function newSession() {
    return { views: 1, start: Date.now() };
  }

  function utkString(utk) {
    return [domainHash(), utk.visitor, utk.initial, utk.previous, utk.current, utk.sessions].join('.');
  }

  function sessionString() {
    return [domainHash(), state.session.views, state.session.start].join('.');
  }

  function domainHash() {
    var text = state.cookieDomain || location.hostname;
    var hash = 0;
    for (var i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
    return hash;
  }

  function uuid() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    var out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }

  function fingerprint() {
    var text = [navigator.userAgent, navigator.language, screen.colorDepth, new Date().getTimezoneOffset()].join('|');
    var hash = 7;
    for (var i = 0; i < text.length; i++) hash = (hash * 33 + text.charCodeAt(i)) >>> 0;
    return hash;
  }

  // ---- consent (through the banner's _hsp) -------------------------------------------------

  function privacyCall(name, listener) {
    var hsp = (window._hsp = window._hsp || []);
    if (listener) hsp.push([name, listener]);
    else hsp.push([name]);
  }

  // Runs `action` whenever the banner reports that analytics consent has just been given.
  function onConsentGiven(action) {
    privacyCall('addPrivacyConsentListener', function (consent) {
      var allowed = consent && (consent.allowed || (consent.categories && consent.categories.analytics));
      if (allowed !== (consent && consent.previousCategories && consent.previousCategories.analytics) && allowed) action();
    });
  }

  // ---- requests ----------------------------------------------------------------------------

  function trackForm(k, formId, conversionId, options) {
    if (typeof conversionId === 'object') {
      options = conversionId;
      conversionId = '';
    }
    options = options || {};
    var params = { k: k, fi: safeString(formId) };
    if (!isEmpty(conversionId)) params.fci = conversionId;
    send(params);
  }

  // What HubSpot's _loadImage does: the checks, then one image request (recorded here instead).
  function send(params, url) {
    if (state.limitTrackingToCookieDomains && !state.cookieDomain) return;
    if (hasDoNotTrack() || !state.trackingEnabled) return;
    url = url || 'https://' + trackingHost() + '/__ptq.gif?' + param(extend(params, clientInfo(), pageInfo(), userInfo(), privacyInfo()));
    record(url);
  }

  function trackingHost() {
    return state.trackingDomain ? state.trackingDomain : TRACKING_HOST;
  }

  function hasDoNotTrack() {
    return getCookie(DO_NOT_TRACK) === 'yes';
  }

  function clientInfo() {
    var out = { sd: screen.width + 'x' + screen.height, cd: screen.colorDepth + '-bit' };
    if (!isEmpty(document.characterSet)) out.cs = document.characterSet;
    if (!isEmpty(navigator.language)) out.ln = navigator.language.toLowerCase();
    if (!hasDoNotTrack()) out.bfp = fingerprint();
    return out;
  }

  function pageInfo() {
    var out = { v: 1.1, a: state.portalId };
    if (!isEmpty(state.pageId)) out.pi = state.pageId;
    if (!isEmpty(state.contentType)) out.ct = state.contentType;
    if (!isEmpty(state.canonicalUrl)) out.ccu = state.canonicalUrl;
    if (!isEmpty(state.path)) out.po = state.path;
    if (!isEmpty(state.referrerPath)) out.rpo = state.referrerPath;
    if (isEmpty(state.canonicalUrl) && !isEmpty(state.relCanonicalUrl)) out.rcu = state.relCanonicalUrl;
    var metadata = state.contentMetadata;
    if (!isEmpty(metadata)) {
      if (!isEmpty(metadata.contentPageId)) out.cpi = metadata.contentPageId;
      if (!isEmpty(metadata.contentGroupId)) out.cgi = metadata.contentGroupId;
    }
    var targeted = state.targetedContentMetadata;
    if (isArray(targeted) && targeted.length) {
      var tc = [];
      for (var i = 0; i < Math.min(targeted.length, 5); i++) {
        if (targeted[i].length === 3) tc.push(targeted[i][0] + '-' + targeted[i][1] + '-' + targeted[i][2]);
      }
      if (tc.length) out.tc = tc;
    }
    if (!isEmpty(document.referrer)) out.r = document.referrer;
    if (!isEmpty(location.href)) out.pu = location.href;
    if (!isEmpty(document.title)) out.t = document.title;
    return out;
  }

  function userInfo() {
    var out = { cts: Date.now() };
    if (state.identity) out.i = param(state.identity.raw);
    if (state.hasResetVisitor) out.rv = 1;
    if (state.utk) {
      out.vi = state.utk.visitor;
      out.nc = !state.utk.returning;
    }
    var utk = getCookie(UTK_COOKIE);
    if (!isEmpty(utk)) out.u = utk;
    var session = getCookie(SESSION_COOKIE);
    if (!isEmpty(session)) out.b = session;
    if (!(state.privacyConsent && state.privacyConsent.allowed)) out.ce = false;
    return out;
  }

  function privacyInfo() {
    var out = {};
    var settings = state.privacySettings;
    if (settings) {
      if (settings.mode === 'OPT_IN') out.pt = settings.hideDecline ? 0 : 1;
      else if (settings.mode === 'NO_COOKIES') out.pt = 2;
      else if (settings.mode === 'COOKIES_BY_CATEGORY') out.pt = 3;
    }
    if (!(state.privacyConsent && state.privacyConsent.allowed)) out.ce = false;
    out.cc = 0;
    var categories = state.privacyConsent && state.privacyConsent.categories;
    if (categories) {
      out.cc =
        (categories.necessary ? 1 : 0) +
        (categories.analytics ? 2 : 0) +
        (categories.advertisement ? 4 : 0) +
        (categories.functionality ? 8 : 0);
    }
    return out;
  }

  // ---- HubSpot's parameter encoding, reproduced ----------------------------------------------

  // Query string of an object's enumerable keys: arrays as repeated keys (a missing element as
  // '[object Window]', HubSpot's `this`), functions called, everything else through
  // encodeURIComponent (so objects arrive as '[object Object]'); %20 becomes '+'.
  function param(object) {
    var out = [];
    for (var key in object) {
      var value = object[key];
      if (isArray(value)) {
        for (var n = 0; n < value.length; n++)
          out.push(encodeURIComponent(key) + '=' + encodeURIComponent(value[n] == null ? window : value[n]));
      } else {
        out.push(encodeURIComponent(key) + '=' + encodeURIComponent(isFunction(value) ? object[key]() : value));
      }
    }
    return out.join('&').replace(/%20/g, '+');
  }

  // Shallow copy of the sources' defined values into `target` (which is modified and returned).
  function extend(target) {
    if (typeof target !== 'object' && !isFunction(target)) target = {};
    target = target || {};
    for (var i = 1; i < arguments.length; i++) {
      var source = arguments[i];
      if (source == null) continue;
      for (var key in source) {
        var value = source[key];
        if (target !== value && value !== undefined) target[key] = value;
      }
    }
    return target;
  }

  // HubSpot's merge: `extra`'s keys written into `target` (created when missing); a missing `extra`
  // replaces the whole target with itself (null, undefined…).
  function mergeInto(target, extra) {
    target = target || {};
    if (!extra) return extra;
    for (var key in extra) target[key] = extra[key];
    return target;
  }

  function isEmpty(value) {
    // eslint-disable-next-line eqeqeq
    return value == undefined || value == '-' || value == '';
  }

  function safeString(value) {
    return isEmpty(value) ? '' : value;
  }

  // ---- what the servers receive, parsed back from the URL ----------------------------------

  function record(url) {
    var query = url.indexOf('?') === -1 ? '' : url.slice(url.indexOf('?') + 1);
    var p = parseQuery(query);
    var custom = /\/__ptbe\.gif\?/.test(url);
    var entry = {
      kind: custom ? 'customEvent' : KIND[p.k] || 'k' + p.k,
      url: url,
      path: p.po !== undefined ? p.po : location.pathname + location.search,
      identity: p.i !== undefined ? parseQuery(String(p.i)) : null,
      visitor: p.vi !== undefined ? p.vi : null,
      resetVisitor: p.rv === '1',
      consentAllowed: p.ce !== 'false',
      initial: state.sendingAutomatic && p.k === '1',
    };
    if (custom) {
      entry.name = p.n !== undefined ? p.n : null;
      entry.properties = {};
      for (var key in p) if (key.charAt(0) === '_') own(entry.properties, key.slice(1), p[key]);
    } else if (p.k === '3') {
      entry.id = p.n;
      entry.value = p.m;
    }
    log.sent.push(entry);
    notify('sent', entry);
  }

  function parseQuery(query) {
    var out = {};
    if (!query) return out;
    var pairs = query.split('&');
    for (var i = 0; i < pairs.length; i++) {
      if (!pairs[i]) continue;
      var at = pairs[i].indexOf('=');
      var key = decode(at === -1 ? pairs[i] : pairs[i].slice(0, at));
      var value = at === -1 ? '' : decode(pairs[i].slice(at + 1));
      if (!Object.prototype.hasOwnProperty.call(out, key)) own(out, key, value);
      else if (isArray(out[key])) out[key].push(value);
      else out[key] = [out[key], value];
    }
    return out;
  }

  function own(object, key, value) {
    Object.defineProperty(object, key, { value: value, enumerable: true, writable: true, configurable: true });
  }

  function decode(text) {
    text = text.split('+').join(' ');
    try {
      return decodeURIComponent(text);
    } catch (_e) {
      return unescape(text);
    }
  }

  // ---- cookies -------------------------------------------------------------------------------

  function getCookie(name) {
    var match = new RegExp('(^|;)[ ]*' + name + '=([^;]*)').exec(document.cookie);
    return match ? decode(match[2]) : '';
  }

  function setCookie(name, value, options) {
    var expires = '';
    if (options.minutes) expires = ';expires=' + new Date(Date.now() + options.minutes * 60000).toUTCString();
    else if (options.days) expires = ';expires=' + new Date(Date.now() + options.days * 86400000).toUTCString();
    else if (options.expires) expires = ';expires=' + options.expires;
    var encoded = options.raw ? value : encodeURI(value);
    var rest = ';path=/;SameSite=Lax' + (state.secureCookie ? ';secure' : '');
    var domain = !state.cookiesToSubdomain && state.cookieDomain ? ';domain=' + state.cookieDomain : '';
    document.cookie = name + '=' + encoded + expires + domain + rest;
    if (domain && getCookie(name) !== value && !options.expires) document.cookie = name + '=' + encoded + expires + rest;
    notify('cookie', name);
  }

  function removeCookie(name) {
    setCookie(name, '', { expires: 'Thu, 01 Jan 1970 00:00:01 GMT' });
  }

  // ---- the log -------------------------------------------------------------------------------

  function portalIdFrom(url) {
    var m = /\/(\d+)\.js(?:[?#]|$)/.exec(url) || /[?&]portalId=(\d+)/.exec(url);
    return m ? m[1] : null;
  }

  function loadBanner() {
    if (portalId === null) return;
    var id = 'cookieBanner-' + portalId;
    if (document.getElementById(id)) return;
    var scripts = document.getElementsByTagName('script');
    for (var i = 0; i < scripts.length; i++) if (/(^|\.)hs-banner\.com$/.test(hostOf(scripts[i].src))) return;
    var custom = /[?&]banner=([^&#]+)/.exec(src);
    var banner = document.createElement('script');
    banner.src = custom ? new URL(decodeURIComponent(custom[1]), src).href : 'https://js.hs-banner.com/v2/' + portalId + '/banner.js';
    banner.type = 'text/javascript';
    banner.id = id;
    banner.async = true;
    if (script && script.nonce) banner.nonce = script.nonce;
    var first = document.getElementsByTagName('script')[0];
    if (first && first.parentNode) first.parentNode.insertBefore(banner, first);
    else (document.head || document.documentElement).appendChild(banner);
  }

  function hostOf(url) {
    try {
      return new URL(url).hostname;
    } catch (_e) {
      return '';
    }
  }

  function logCommand(command) {
    log.commands.push(command);
    notify('command', command);
  }

  function ignore(command, why) {
    var entry = { queue: '_hsq', command: copyCommand(command), why: why };
    log.ignored.push(entry);
    notify('ignored', entry);
  }

  // Commands are logged as copies: the page may mutate or reuse its objects after pushing.
  function copyCommand(command) {
    if (typeof command === 'function') return ['<function>'];
    return copy(command);
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

  function endsWith(text, suffix) {
    var at = text.length - suffix.length;
    return at >= 0 && text.lastIndexOf(suffix) === at;
  }

  function queryParam(name) {
    var m = new RegExp('[?&#]' + name + '=([^&#]*)').exec(location.search || location.hash);
    return m ? decode(m[1]) : null;
  }

  function isArray(value) {
    return toStr.call(value) === '[object Array]';
  }

  function isFunction(value) {
    return toStr.call(value) === '[object Function]';
  }

  function notify(type, entry) {
    var current = window.__hubspot;
    if (current) {
      var dnt = /(^|;)[ ]*__hs_do_not_track=([^;]*)/.exec(document.cookie);
      current.doNotTrack = !!dnt && dnt[2] === 'yes';
    }
    try {
      window.dispatchEvent(new CustomEvent('hubspot-emulator', { detail: { type: type, entry: entry } }));
    } catch (_e) {
      /* a listener's failure must not break tracking */
    }
  }
})();
