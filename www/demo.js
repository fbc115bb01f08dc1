// The demo page: Segment's analytics-next with the HubSpot plugin, bundled by webpack 5 as an app
// would bundle it. By default HubSpot is the local emulator (www/hubspot-emulator.js), so the page
// works offline and with no HubSpot account; `?portalId=123` switches to the real HubSpot portal.
import { AnalyticsBrowser } from '@segment/analytics-next';
import { hubspotPlugin } from 'hubspot-wasm';

const params = new URLSearchParams(location.search);
const realPortal = params.get('portalId');
const EMULATED_PORTAL = '62515';
const $ = (selector) => document.querySelector(selector);

function pluginSettings() {
  // Form submissions come back to analytics as 'Form Submitted' (with the first name only) and an
  // identify, for the other destinations: the panel "Forwarded from HubSpot's forms" shows them.
  const settings = {
    portalId: realPortal ?? EMULATED_PORTAL,
    loadFormsSdk: true,
    trackFormSubmissions: true,
    formFields: ['firstname'],
    identifyFormSubmitters: true,
  };
  if (params.get('region')) settings.region = params.get('region');
  if (!realPortal) {
    // Relative URLs resolve against this page, so the emulators are fetched from next to it.
    // HubSpot's chain as it is: the loader emulator adds the tracker and the cookie banner, here
    // the local emulators named by `tracker` and `banner`. The file names have no portal id in
    // them, hence the query parameters.
    const tracker = encodeURIComponent(`hubspot-emulator.js?portalId=${EMULATED_PORTAL}`);
    settings.trackerUrl = `hubspot-loader-emulator.js?portalId=${EMULATED_PORTAL}&tracker=${tracker}&banner=hubspot-banner-emulator.js`;
    settings.formsUrl = 'hubspot-forms-emulator.js';
  }
  return settings;
}

/** Segment settings: a real source with ?writeKey=, otherwise no Segment traffic at all. */
function segmentSettings() {
  const writeKey = params.get('writeKey');
  if (writeKey) return [{ writeKey }, {}];
  return [{ writeKey: 'demo', cdnSettings: { integrations: {} } }, { integrations: { 'Segment.io': false } }];
}

function setChip(id, text, tone) {
  const chip = document.getElementById(id);
  chip.textContent = text;
  chip.className = `chip chip-${tone}`;
}

async function main() {
  const settings = pluginSettings();
  setChip(
    'status-tracker',
    realPortal ? `HubSpot portal ${realPortal}` : `local emulator · portal ${EMULATED_PORTAL}`,
    realPortal ? 'live' : 'quiet',
  );
  showWiring(settings);

  // Nothing awaited first: the plugin starts its wasm when analytics-next loads it.
  let plugin;
  try {
    plugin = hubspotPlugin(settings);
  } catch (error) {
    setChip('status-plugin', `plugin: ${error.message}`, 'bad');
    return;
  }
  $('#status-version').textContent = `hubspot-wasm ${plugin.version}`;

  const [segment, options] = segmentSettings();
  const analytics = AnalyticsBrowser.load({ ...segment, plugins: [plugin, anotherDestination] }, options);
  analytics.page(); // every Segment site's first call; HubSpot counts this page view itself
  window.analytics = analytics; // for poking at it from the console
  window.hubspotPlugin = plugin;

  if (realPortal) {
    const note = $('#mode-note');
    note.hidden = false;
    note.textContent = `Sending to the real HubSpot portal ${realPortal}. The panels show the _hsq commands pushed after HubSpot loaded; what HubSpot records is in your HubSpot account.`;
  }
  watchPlugin(analytics, plugin);
  wireControls(analytics, plugin);
}

/** Keeps the plugin chip honest: starting → loaded, or failed (blocked, offline, timed out). */
async function watchPlugin(analytics, plugin) {
  const [instance] = await analytics;
  const started = Date.now();
  const timer = setInterval(() => {
    if (plugin.isLoaded()) {
      clearInterval(timer);
      setChip('status-plugin', 'plugin: loaded', 'good');
      if (realPortal) logRealCommands();
    } else if (instance.queue.failedInitializations.includes('hubspot-wasm')) {
      clearInterval(timer);
      setChip('status-plugin', 'plugin: failed to load (the console says why: settings, CSP, blocked or offline)', 'bad');
    } else if (Date.now() - started > 15000) {
      clearInterval(timer);
      setChip('status-plugin', 'plugin: still waiting for HubSpot', 'bad');
    }
  }, 100);
}

function wireControls(analytics, plugin) {
  $('#page-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const url = new URL(form.get('path'), location.origin);
    const name = form.get('name').trim();
    const properties = { path: url.pathname, search: url.search };
    if (name) analytics.page(name, properties);
    else analytics.page(properties);
  });

  $('#identify-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const traits = {};
    for (const key of ['email', 'firstName', 'lastName']) {
      if (form.get(key).trim()) traits[key] = form.get(key).trim();
    }
    // A company object, as Segment's spec has it: the plugin sends its name to HubSpot.
    if (form.get('company').trim()) traits.company = { name: form.get('company').trim() };
    const userId = form.get('userId').trim();
    if (userId) analytics.identify(userId, traits);
    else analytics.identify(traits);
  });

  $('#track-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const error = $('#track-error');
    let properties;
    try {
      properties = JSON.parse(form.get('properties') || '{}');
      if (properties === null || typeof properties !== 'object' || Array.isArray(properties))
        throw new Error('properties must be a JSON object');
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    analytics.track(form.get('event').trim(), properties);
  });

  $('#reset').addEventListener('click', () => {
    analytics.reset();
    flash($('#reset'), 'User reset ✓');
  });

  const dnt = $('#dnt');
  dnt.addEventListener('click', () => {
    const on = dnt.getAttribute('aria-pressed') !== 'true';
    plugin.doNotTrack(on);
    dnt.setAttribute('aria-pressed', String(on));
    dnt.textContent = `Do not track: ${on ? 'on' : 'off'}`;
  });

  const formButton = $('#form-button');
  const formId = params.get('formId') ?? (realPortal ? null : 'demo-newsletter');
  if (!formId) {
    formButton.disabled = true;
    formButton.title = 'add &formId=… to the URL to embed one of your HubSpot forms';
  }
  formButton.addEventListener('click', () => {
    if (!window.hbspt?.forms) return flash(formButton, 'Forms SDK not loaded yet');
    $('#hubspot-form').replaceChildren();
    window.hbspt.forms.create({ portalId: realPortal ?? EMULATED_PORTAL, formId, target: '#hubspot-form' });
  });
}

function flash(button, text) {
  const before = button.textContent;
  button.textContent = text;
  button.disabled = true;
  setTimeout(() => {
    button.textContent = before;
    button.disabled = false;
  }, 1200);
}

// ---------- the live panels ----------

/** Another destination beside HubSpot, as a site has (Amplitude, a warehouse, …): it shows what
 *  the plugin forwarded from HubSpot's forms, the calls kept from HubSpot itself. */
const anotherDestination = {
  name: 'Another destination',
  type: 'destination',
  version: '1.0.0',
  isLoaded: () => true,
  load: () => Promise.resolve(),
  track: showForwarded,
  identify: showForwarded,
};

function showForwarded(ctx) {
  const { type, event, properties, traits, integrations } = ctx.event;
  if (integrations?.['hubspot-wasm'] !== false) return ctx; // the page's own calls: HubSpot has them
  const item = el('li', 'sent fresh');
  const head = el('div', 'sent-head');
  head.append(el('span', `kind kind-${type === 'track' ? 'event' : 'formSubmission'}`, `analytics.${type}`));
  if (event) head.append(el('strong', 'event-name', event));
  item.append(head, pairs('properties', type === 'track' ? properties : traits));
  const feed = $('#forwarded');
  feed.prepend(item);
  $('#forwarded-count').textContent = feed.children.length;
  return ctx;
}

const KIND_LABEL = {
  pageView: 'Page view',
  event: 'Event',
  customEvent: 'Custom event',
  formSubmission: 'Form',
  revokeConsent: 'Consent revoked',
  k28: 'Consent given',
  k29: 'Consent declined',
};
const shown = { hsq: 0, hsp: 0, sent: 0, forms: 0 };

/** Appends what is new in the emulators' logs; they fire 'hubspot-emulator' after every change. */
function renderFromEmulator() {
  const log = window.__hubspot;
  if (log) {
    // Appending as changes arrive keeps _hsq and _hsp commands interleaved in their real order.
    for (; shown.hsq < log.commands.length; shown.hsq++) appendCommand('_hsq', log.commands[shown.hsq]);
    for (; shown.sent < log.sent.length; shown.sent++) prependSent(log.sent[shown.sent]);
    $('#dnt-banner').hidden = !log.doNotTrack;
  }
  const banner = window.__hubspotBanner; // HubSpot's cookie banner: the one script that reads _hsp
  if (banner) for (; shown.hsp < banner.commands.length; shown.hsp++) appendCommand('_hsp', banner.commands[shown.hsp]);
  const forms = window.__hubspotForms;
  if (forms) {
    // A form submission goes to HubSpot's forms API, not through _hsq: shown in the same feed.
    for (; shown.forms < forms.submissions.length; shown.forms++) {
      const { formId, values } = forms.submissions[shown.forms];
      prependSent({
        kind: 'formSubmission',
        id: formId,
        path: location.pathname,
        properties: values,
        identity: values.email ? { email: values.email } : null,
      });
    }
  }
}
window.addEventListener('hubspot-emulator', renderFromEmulator);

/** In real-HubSpot mode there is no emulator log: show what is pushed after HubSpot took over _hsq. */
function logRealCommands() {
  for (const [name, queue] of [
    ['_hsq', window._hsq],
    ['_hsp', window._hsp],
  ]) {
    if (!queue) continue;
    const hubspotPush = queue.push;
    queue.push = function (...commands) {
      commands.forEach((command) => appendCommand(name, command));
      return hubspotPush.apply(this, commands);
    };
  }
}

function appendCommand(queue, command) {
  const list = $('#commands');
  const [name, ...args] = Array.isArray(command) ? command : [String(command)];
  const item = el('li', 'command fresh');
  item.append(el('span', 'queue', queue), el('span', `name verb-${verbOf(name)}`, name));
  if (args.length) item.append(el('code', 'args', args.map((a) => JSON.stringify(a)).join(', ')));
  list.append(item);
  $('#commands-count').textContent = list.children.length;
  item.scrollIntoView({ block: 'nearest' });
}

function verbOf(name) {
  if (name === 'identify') return 'identify';
  if (name === 'setPath' || name === 'trackPageView') return 'page';
  if (name.startsWith('track')) return 'track';
  return 'other';
}

function prependSent(entry) {
  const feed = $('#sent');
  feed.prepend(sentItem(entry));
  $('#sent-count').textContent = feed.children.length;
}

function sentItem(entry) {
  const item = el('li', 'sent fresh');
  const head = el('div', 'sent-head');
  head.append(el('span', `kind kind-${entry.kind}`, KIND_LABEL[entry.kind] ?? entry.kind));
  if (entry.kind === 'event' || entry.kind === 'customEvent' || entry.kind === 'formSubmission') {
    head.append(el('strong', 'event-name', entry.id ?? entry.name));
  }
  head.append(el('code', 'path', entry.path));
  if (entry.initial) head.append(el('span', 'tag', 'automatic, on load'));
  if (entry.consentAllowed === false) head.append(el('span', 'tag', 'ce=false: no consent'));
  if (entry.resetVisitor) head.append(el('span', 'tag', 'after a visitor reset'));
  if (entry.visitor) head.title = `visitor ${entry.visitor}`;
  item.append(head);

  if (entry.kind === 'event' && entry.value) item.append(pairs('properties', { value: entry.value }));
  if (entry.properties && Object.keys(entry.properties).length) item.append(pairs('properties', entry.properties));
  if (entry.identity) {
    const { email, ...rest } = entry.identity;
    const who = el('div', 'identity');
    who.append(el('span', 'avatar', initials(entry.identity)), el('span', 'email', email ?? '(no email)'));
    item.append(who);
    if (Object.keys(rest).length) item.append(pairs('contact', rest));
  } else {
    item.append(el('div', 'identity anonymous', 'anonymous visitor'));
  }
  return item;
}

function initials(identity) {
  const letters = [identity.firstname, identity.lastname].filter(Boolean).map((s) => String(s)[0]);
  return (letters.join('') || String(identity.email ?? '?')[0]).toUpperCase();
}

function pairs(label, object) {
  const box = el('dl', `pairs pairs-${label}`);
  for (const [key, value] of Object.entries(object)) {
    box.append(el('dt', '', key), el('dd', '', typeof value === 'string' ? value : JSON.stringify(value)));
  }
  return box;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showWiring(settings) {
  $('#wiring').textContent = [
    "import { AnalyticsBrowser } from '@segment/analytics-next';",
    "import { hubspotPlugin } from 'hubspot-wasm';",
    '',
    `const plugin = hubspotPlugin(${JSON.stringify(settings, null, 2)});`,
    `const analytics = AnalyticsBrowser.load({ ...${JSON.stringify(segmentSettings()[0])}, plugins: [plugin, anotherDestination] });`,
    'analytics.page();',
  ].join('\n');
}

main().catch((error) => {
  setChip('status-plugin', `failed: ${error.message}`, 'bad');
  console.error(error);
});
