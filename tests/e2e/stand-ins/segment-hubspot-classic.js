/*
 * Stand-in for Segment's classic HubSpot destination as analytics-next loads it for a workspace
 * with HubSpot (Classic) in device mode: the file at
 *   <cdn>/next-integrations/integrations/hubspot/<version>/hubspot.dynamic.js.gz
 * (the harness answers that URL with this file). analytics-next's ajs-destination loader
 * (node_modules/@segment/analytics-next/dist/pkg/plugins/ajs-destination/) then reads
 * window.hubspotDeps (more scripts to load: none), calls window.hubspotLoader() and takes
 * window.hubspotIntegration, a constructor: `new HubSpot(settings)`. It calls, on the instance,
 * once('ready'), on('initialize'), initialize(), and invoke('page' | 'identify' | 'track', facade)
 * with @segment/facade objects.
 *
 * It behaves as Segment's integration does (segmentio/analytics.js-integrations,
 * integrations/hubspot/lib/index.js, on the analytics.js-integration base):
 *   - it "assumes a page view": the first initialize() (from analytics-next's load) does nothing;
 *     the second (analytics-next calls it on the first page) injects
 *     <script id="hs-analytics" src="https://js.hs-analytics.net/analytics/<cacheBuster>/<portalId>.js">
 *     (js-eu1.hs-analytics.net with enableEuropeanDataCenter), after //js.hsforms.net/forms/shell.js
 *     when loadFormsSdk, and emits 'initialize';
 *   - 'ready' when the tracker script has loaded; calls invoked before that are queued and run then;
 *   - page → _hsq.push(['trackPageView']);
 *   - identify, only with an email → _hsq.push(['identify', traits]) (firstName → firstname,
 *     lastName → lastname, company.name → company, keys lower-cased, spaces and dots as _);
 *   - track → _hsq.push(['trackEvent', event, properties]) with properties.id = the event name
 *     (a property id becomes _id, revenue becomes value; dates become epoch milliseconds).
 * Log: window.__segmentHubSpot = { kind: 'classic', settings, initialized, ready, calls: [[method, …]] }.
 */
(function () {
  'use strict';

  var log = (window.__segmentHubSpot = { kind: 'classic', settings: null, initialized: 0, ready: false, calls: [] });

  function push(command) {
    window._hsq = window._hsq || [];
    window._hsq.push(command);
  }

  function loadScript(src, attributes, done) {
    var script = document.createElement('script');
    script.src = src;
    script.async = true;
    Object.keys(attributes).forEach(function (name) {
      script.setAttribute(name, attributes[name]);
    });
    script.onload = function () {
      done();
    };
    var first = document.getElementsByTagName('script')[0];
    first.parentNode.insertBefore(script, first);
  }

  function datesToMillis(value) {
    if (value instanceof Date) return value.getTime();
    if (Array.isArray(value)) return value.map(datesToMillis);
    if (value && typeof value === 'object') {
      var out = {};
      Object.keys(value).forEach(function (k) {
        out[k] = datesToMillis(value[k]);
      });
      return out;
    }
    return value;
  }

  function HubSpot(settings) {
    this.options = {
      portalId: settings.portalId == null ? null : settings.portalId,
      loadFormsSdk: !!settings.loadFormsSdk,
      enableEuropeanDataCenter: !!settings.enableEuropeanDataCenter,
    };
    log.settings = this.options;
    this._listeners = {};
    this._queue = [];
    this._ready = false;
    this._initialized = false;
    this._initializeCalls = 0;
    this.once('ready', this.flush.bind(this));
  }

  HubSpot.prototype.name = 'HubSpot';
  HubSpot.prototype._assumesPageview = true;

  // --- component-emitter's on / once / emit, as the integration base mixes them in ---
  HubSpot.prototype.on = function (name, fn) {
    (this._listeners[name] = this._listeners[name] || []).push(fn);
    return this;
  };
  HubSpot.prototype.once = function (name, fn) {
    var self = this;
    function wrapped() {
      self.off(name, wrapped);
      fn.apply(self, arguments);
    }
    return this.on(name, wrapped);
  };
  HubSpot.prototype.off = function (name, fn) {
    this._listeners[name] = (this._listeners[name] || []).filter(function (f) {
      return f !== fn;
    });
    return this;
  };
  HubSpot.prototype.emit = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    var self = this;
    (this._listeners[name] || []).slice().forEach(function (fn) {
      fn.apply(self, args);
    });
    return this;
  };

  // --- the integration base: initialize wrapped (after 2 calls), invoke / queue / flush ---
  HubSpot.prototype.initialize = function () {
    this._initializeCalls += 1;
    if (this._initializeCalls < 2) return; // assumesPageview: the first call is a no-op
    this._initialized = true;
    log.initialized += 1;
    this.load();
    this.emit('initialize');
  };

  HubSpot.prototype.invoke = function (method) {
    if (!this[method]) return undefined;
    var args = Array.prototype.slice.call(arguments, 1);
    if (!this._ready) return this.queue(method, args);
    return this[method].apply(this, args);
  };

  HubSpot.prototype.queue = function (method, args) {
    if (method === 'page' && this._assumesPageview && !this._initialized) return this.page.apply(this, args);
    this._queue.push({ method: method, args: args });
    return undefined;
  };

  HubSpot.prototype.flush = function () {
    this._ready = true;
    log.ready = true;
    var calls = this._queue.splice(0);
    for (var i = 0; i < calls.length; i++) this[calls[i].method].apply(this, calls[i].args);
  };

  HubSpot.prototype.ready = function () {
    this.emit('ready');
  };

  // --- the HubSpot integration itself ---
  HubSpot.prototype.load = function () {
    window._hsq = window._hsq || [];
    var cacheBuster = Math.ceil(Date.now() / 300000) * 300000;
    var host = this.options.enableEuropeanDataCenter ? 'js-eu1.hs-analytics.net' : 'js.hs-analytics.net';
    var tracker = 'https://' + host + '/analytics/' + cacheBuster + '/' + this.options.portalId + '.js';
    var self = this;
    var loadTracker = function () {
      loadScript(tracker, { id: 'hs-analytics' }, function () {
        self.ready();
      });
    };
    if (this.options.loadFormsSdk) loadScript('//js.hsforms.net/forms/shell.js', {}, loadTracker);
    else loadTracker();
  };

  HubSpot.prototype.loaded = function () {
    var libLoaded = !!(window._hsq && window._hsq.push !== Array.prototype.push);
    if (!this.options.loadFormsSdk) return libLoaded;
    return libLoaded && !!(window.hbspt && window.hbspt.forms);
  };

  HubSpot.prototype.page = function () {
    // Wrapped as the base wraps it: before initialization, a page initializes instead.
    if (this._assumesPageview && !this._initialized) return this.initialize.apply(this, arguments);
    log.calls.push(['page']);
    push(['trackPageView']);
    return undefined;
  };

  HubSpot.prototype.identify = function (identify) {
    log.calls.push(['identify', identify.userId() || null]);
    if (!identify.email()) return;
    var traits = identify.traits({ firstName: 'firstname', lastName: 'lastname' });
    var company = identify.companyName();
    traits = datesToMillis(traits);
    if (traits.address && typeof traits.address === 'object') {
      var a = traits.address;
      if (a.street) traits.address = a.street;
      if (a.city) traits.city = a.city;
      if (a.country) traits.country = a.country;
      if (a.state) traits.state = a.state;
      if (a.postalCode) traits.zip = a.postalCode;
    }
    var formatted = {};
    Object.keys(traits).forEach(function (key) {
      formatted[key.toLowerCase().replace(/[ .\n\v\t\f\r]/g, '_')] = traits[key];
    });
    if (company !== undefined) formatted.company = company;
    push(['identify', formatted]);
  };

  HubSpot.prototype.track = function (track) {
    log.calls.push(['track', track.event()]);
    var props = datesToMillis(track.properties({ id: '_id', revenue: 'value' }));
    props.id = track.event();
    push(['trackEvent', track.event(), props]);
  };

  window.hubspotDeps = [];
  window.hubspotLoader = function () {
    window.hubspotIntegration = HubSpot;
  };
})();
