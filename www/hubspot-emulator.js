/*
 * A local stand-in for HubSpot's tracking code (js.hs-scripts.com/{portalId}.js), for the demo and
 * the end-to-end tests, which run with no internet. It follows HubSpot's documented contract:
 *
 *   - commands already queued in window._hsq (and _hsp) are processed in order when it starts;
 *   - then the automatic page view of the loaded page is recorded;
 *   - then _hsq.push / _hsp.push are replaced so later commands are processed at once
 *     (that replacement is how integrations detect that the tracker is running);
 *   - 'identify' sends nothing on its own: the identity waits (merged) for the next tracking call
 *     (trackPageView, trackEvent, trackCustomBehavioralEvent), travels with it, and is then cleared;
 *   - 'setPath' sets the path of the following page views (including the automatic one when it
 *     was queued before the script ran);
 *   - 'doNotTrack' stops anything from being sent until 'doNotTrack', { track: true }.
 *
 * It keeps a log on window.__hubspot and fires a 'hubspot-emulator' CustomEvent on window after
 * every change:
 *   { portalId, src, loads, commands: [[name, ...args], ...], sent: [{ kind, path, identity, ... }],
 *     consent: [[name, ...args], ...], doNotTrack, ignored: [...] }
 * `sent` is what HubSpot's servers would receive. The portal id comes from the script's own src
 * (`/62515.js`, as on HubSpot's hosts) or, for a self-hosted copy, from `?portalId=62515`.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var src = script ? script.src : '';

  if (window.__hubspot) {
    // HubSpot's real code also ignores a second copy; counting them lets tests catch double injection.
    window.__hubspot.loads += 1;
    notify('load', null);
    return;
  }

  var log = {
    portalId: portalIdFrom(src),
    src: src,
    loads: 1,
    commands: [],
    sent: [],
    consent: [],
    doNotTrack: false,
    ignored: [],
  };
  window.__hubspot = log;

  var identity = null;   // pending identify properties, merged until the next tracking call
  var path = null;       // set by setPath; null means "the page's own location"

  var hsq = (window._hsq = window._hsq || []);
  var hsp = (window._hsp = window._hsp || []);

  // Queued work first, in order, exactly as the page pushed it.
  var queued = hsq.splice(0, hsq.length);
  var queuedConsent = hsp.splice(0, hsp.length);
  queued.forEach(runTracking);
  queuedConsent.forEach(runConsent);

  record({ kind: 'pageView', initial: true });

  hsq.push = function () {
    for (var i = 0; i < arguments.length; i++) runTracking(arguments[i]);
    return hsq.length;
  };
  hsp.push = function () {
    for (var i = 0; i < arguments.length; i++) runConsent(arguments[i]);
    return hsp.length;
  };
  notify('ready', null);

  function portalIdFrom(url) {
    var m = /\/(\d+)\.js(?:[?#]|$)/.exec(url) || /[?&]portalId=(\d+)/.exec(url);
    return m ? m[1] : null;
  }

  // Commands are logged as copies: the page may mutate or reuse its objects after pushing.
  function copy(value) {
    try {
      return JSON.parse(JSON.stringify(value === undefined ? null : value));
    } catch (e) {
      return String(value);
    }
  }

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  function ignore(queue, command, why) {
    log.ignored.push({ queue: queue, command: copy(command), why: why });
    notify('ignored', log.ignored[log.ignored.length - 1]);
  }

  function currentPath() {
    return path !== null ? path : location.pathname + location.search;
  }

  // One tracking request: carries (and consumes) the pending identity.
  function record(entry) {
    if (log.doNotTrack) return;
    entry.path = currentPath();
    entry.identity = identity;
    identity = null;
    log.sent.push(entry);
    notify('sent', entry);
  }

  function runTracking(command) {
    if (!Array.isArray(command) || typeof command[0] !== 'string') {
      ignore('_hsq', command, 'not a [name, ...args] array');
      return;
    }
    var name = command[0];
    var arg = command[1];
    log.commands.push(copy(command));
    notify('command', log.commands[log.commands.length - 1]);

    switch (name) {
      case 'identify':
        if (!isObject(arg)) return ignore('_hsq', command, 'identify needs an object');
        identity = Object.assign(identity || {}, copy(arg));
        return;
      case 'setPath':
        if (typeof arg !== 'string') return ignore('_hsq', command, 'setPath needs a string');
        path = arg;
        return;
      case 'trackPageView':
        return record({ kind: 'pageView' });
      case 'trackEvent': {
        if (!isObject(arg) || arg.id === undefined) return ignore('_hsq', command, 'trackEvent needs { id }');
        var props = copy(arg);
        var id = props.id;
        delete props.id;
        return record({ kind: 'event', id: id, properties: props });
      }
      case 'trackCustomBehavioralEvent':
        if (!isObject(arg) || typeof arg.name !== 'string') {
          return ignore('_hsq', command, 'trackCustomBehavioralEvent needs { name, properties }');
        }
        return record({ kind: 'customEvent', name: arg.name, properties: copy(arg.properties || {}) });
      case 'doNotTrack':
        log.doNotTrack = !(isObject(arg) && arg.track === true);
        notify('doNotTrack', log.doNotTrack);
        return;
      default:
        return ignore('_hsq', command, 'unknown command');
    }
  }

  function runConsent(command) {
    if (!Array.isArray(command) || typeof command[0] !== 'string') {
      ignore('_hsp', command, 'not a [name, ...args] array');
      return;
    }
    if (command[0] === 'addPrivacyConsentListener' && typeof command[1] === 'function') {
      // HubSpot calls the listener with the visitor's current consent; the emulator's visitor allows all.
      log.consent.push(['addPrivacyConsentListener']);
      notify('consent', log.consent[log.consent.length - 1]);
      command[1]({ allowed: true, categories: { necessary: true, analytics: true, advertisement: true, functionality: true } });
      return;
    }
    if (command[0] !== 'revokeCookieConsent' && command[0] !== 'setHubSpotConsent') {
      return ignore('_hsp', command, 'unknown consent command');
    }
    log.consent.push(copy(command));
    notify('consent', log.consent[log.consent.length - 1]);
  }

  function notify(type, entry) {
    try {
      window.dispatchEvent(new CustomEvent('hubspot-emulator', { detail: { type: type, entry: entry } }));
    } catch (e) {
      /* a listener's failure must not break tracking */
    }
  }
})();
