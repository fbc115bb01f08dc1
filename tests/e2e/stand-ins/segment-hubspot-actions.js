/*
 * Stand-in for Segment's HubSpot Web (Actions) destination as analytics-next loads it for a
 * workspace whose CDN settings list it in `remotePlugins`:
 *   { name: 'HubSpot Web (Actions)', creationName: 'HubSpot Web (Actions)',
 *     libraryName: 'hubspot-webDestination',
 *     url: 'https://cdn.segment.com/next-integrations/actions/hubspot-web/<hash>.js',
 *     settings: { portalId, enableEuropeanDataCenter, loadFormsSDK, flushIdentifyImmediately,
 *                 formatCustomBehavioralEventNames, subscriptions } }
 * analytics-next's remote loader (node_modules/@segment/analytics-next/dist/pkg/plugins/
 * remote-loader/) loads the url (on the page's cdnURL), takes window['hubspot-webDestination'], a
 * factory, calls it with the settings and wraps each plugin it returns in an ActionDestination
 * named by creationName.
 *
 * It behaves as Segment's destination does (segmentio/action-destinations,
 * packages/browser-destinations/destinations/hubspot-web, on browser-destination-runtime):
 *   - one plugin per subscribed action, 'Hubspot Web (Actions) <action>', all sharing one load():
 *     <script id="hs-script-loader" src="https://js.hs-scripts.com/<portalId>.js"> (js-eu1.… with
 *     enableEuropeanDataCenter), then https://js.hsforms.net/forms/v2.js when loadFormsSDK, and
 *     load() resolves once _hsq.push is HubSpot's (and hbspt.forms exists, with the forms);
 *   - track → _hsq.push(['trackCustomBehavioralEvent', { name: event, properties }]) (properties
 *     flattened with _, keys lower-cased, spaces and dots as _; with
 *     formatCustomBehavioralEventNames the name becomes pe<portalId>_<event>);
 *   - identify, only with traits.email → _hsq.push(['identify', { ...flattened traits but address
 *     and company, email, id: userId, company: company.name, country, state, city, address, zip }]),
 *     then ['trackPageView'] with flushIdentifyImmediately;
 *   - page → _hsq.push(['trackPageView']).
 * Subscriptions are the destination's three presets unless the settings give some; only their
 * `type = "…"` conditions are read, and the presets' default mappings are always used.
 * Log: window.__segmentHubSpot = { kind: 'actions', settings, plugins: [names], loads, calls: [[action, …]] }.
 */
(function () {
  'use strict';

  var NAME = 'Hubspot Web (Actions)';
  var PRESETS = [
    { partnerAction: 'trackCustomBehavioralEvent', subscribe: 'type = "track"', enabled: true },
    { partnerAction: 'upsertContact', subscribe: 'type = "identify"', enabled: true },
    { partnerAction: 'trackPageView', subscribe: 'type = "page"', enabled: true },
  ];

  var log = (window.__segmentHubSpot = { kind: 'actions', settings: null, plugins: [], loads: 0, calls: [] });

  function hsq() {
    return window._hsq;
  }

  function loadScript(src, attributes) {
    var found = Array.prototype.find.call(document.querySelectorAll('script'), function (s) {
      return s.src === src;
    });
    if (found) return Promise.resolve(found);
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = src;
      script.async = true;
      Object.keys(attributes || {}).forEach(function (name) {
        script.setAttribute(name, attributes[name]);
      });
      script.onload = function () {
        resolve(script);
      };
      script.onerror = function () {
        reject(new Error('Failed to load ' + src));
      };
      var first = document.querySelector('script');
      if (first) first.parentNode.insertBefore(script, first);
      else document.head.appendChild(script);
    });
  }

  function resolveWhen(condition, interval) {
    return new Promise(function (resolve) {
      (function check() {
        if (condition()) resolve();
        else setTimeout(check, interval);
      })();
    });
  }

  /** Nested objects flattened with `_`; strings trimmed; `key` renames the final keys. */
  function flatten(data, prefix, skip, key) {
    var out = {};
    Object.keys(data || {}).forEach(function (k) {
      if (!prefix && skip.indexOf(k) >= 0) return;
      var path = prefix ? prefix + '_' + k : k;
      var v = data[k];
      if (v !== null && typeof v === 'object') Object.assign(out, flatten(v, path, skip, key));
      else out[key(path)] = typeof v === 'string' ? v.trim() : v;
    });
    return out;
  }

  function same(k) {
    return k;
  }

  function subscribedTypes(subscription) {
    var types = [];
    String(subscription.subscribe || '').replace(/type\s*=\s*"(\w+)"/g, function (_, type) {
      types.push(type);
    });
    return types;
  }

  var ACTIONS = {
    trackCustomBehavioralEvent: function (event, settings) {
      var name = event.event;
      if (settings.formatCustomBehavioralEventNames) {
        name = 'pe' + settings.portalId + '_' + name.replace(/[\s.]+/g, '_').toLocaleLowerCase();
      }
      var properties =
        event.properties &&
        flatten(event.properties, '', [], function (k) {
          return k.replace(/[\s.]+/g, '_').toLocaleLowerCase();
        });
      hsq().push(['trackCustomBehavioralEvent', { name: name, properties: properties }]);
    },
    upsertContact: function (event, settings) {
      var traits = event.traits || {};
      var address = traits.address || {};
      if (!traits.email) return;
      var contact = Object.assign(flatten(traits, '', ['address', 'company'], same), {
        email: traits.email,
        id: event.userId == null ? undefined : event.userId,
        company: traits.company && traits.company.name,
        country: address.country,
        state: address.state,
        city: address.city,
        address: address.street,
        zip: address.postalCode !== undefined ? address.postalCode : address.postal_code,
      });
      Object.keys(contact).forEach(function (k) {
        if (contact[k] === undefined) delete contact[k];
      });
      hsq().push(['identify', contact]);
      if (settings.flushIdentifyImmediately) hsq().push(['trackPageView']);
    },
    trackPageView: function () {
      hsq().push(['trackPageView']);
    },
  };

  function generatePlugins(settings) {
    var subscriptions = settings.subscriptions;
    if (typeof subscriptions === 'string') subscriptions = JSON.parse(subscriptions);
    if (!Array.isArray(subscriptions)) subscriptions = PRESETS;

    var initialized = false;
    var initializing = null;
    var resolveInitialized;
    var whenInitialized = new Promise(function (resolve) {
      resolveInitialized = resolve;
    });
    function load() {
      if (initialized) return Promise.resolve();
      if (initializing) return initializing;
      log.loads += 1;
      var eu = settings.enableEuropeanDataCenter;
      var tracker = (eu ? 'https://js-eu1.hs-scripts.com/' : 'https://js.hs-scripts.com/') + settings.portalId + '.js';
      var forms = eu ? 'https://js-eu1.hsforms.net/forms/v2.js' : 'https://js.hsforms.net/forms/v2.js';
      initializing = loadScript(tracker, { id: 'hs-script-loader' })
        .then(function () {
          return settings.loadFormsSDK ? loadScript(forms) : null;
        })
        .then(function () {
          return resolveWhen(function () {
            return (
              !!(window._hsq && window._hsq.push !== Array.prototype.push) &&
              (!settings.loadFormsSDK || !!(window.hbspt && window.hbspt.forms))
            );
          }, 100);
        })
        .then(function () {
          initialized = true;
          resolveInitialized();
        });
      return initializing;
    }

    return Object.keys(ACTIONS).reduce(function (plugins, action) {
      var mine = subscriptions.filter(function (s) {
        return s.enabled && s.partnerAction === action;
      });
      if (mine.length === 0) return plugins;
      function evaluate(ctx) {
        mine.forEach(function (s) {
          if (subscribedTypes(s).indexOf(ctx.event.type) < 0) return;
          log.calls.push([action, ctx.event.event || ctx.event.userId || null]);
          ACTIONS[action](ctx.event, settings);
        });
        return Promise.resolve(ctx);
      }
      var plugin = {
        name: NAME + ' ' + action,
        type: 'destination',
        version: '0.1.0',
        ready: function () {
          return whenInitialized;
        },
        isLoaded: function () {
          return initialized;
        },
        load: load,
        track: evaluate,
        page: evaluate,
        alias: evaluate,
        identify: evaluate,
        group: evaluate,
      };
      log.plugins.push(plugin.name);
      plugins.push(plugin);
      return plugins;
    }, []);
  }

  window['hubspot-webDestination'] = function (settings) {
    log.settings = JSON.parse(JSON.stringify(settings));
    return Promise.resolve(generatePlugins(settings));
  };
})();
