// Shared end-to-end harness: headless Chromium (playwright-core, the system /usr/bin/chromium),
// the repository served by scripts/serve.mjs, and every request that would leave the machine
// answered locally, so tests never depend on the internet:
//
//   *.hs-scripts.com  -> www/hubspot-loader-emulator.js (HubSpot's loader, the tracking code's
//                                                       URL: it adds the banner and the tracker)
//   *.hs-analytics.net -> www/hubspot-emulator.js       (HubSpot's tracker, which the loader adds,
//                                                       and Segment's classic HubSpot loads itself)
//   *.hsforms.net     -> www/hubspot-forms-emulator.js  (HubSpot's Forms SDK and form embed)
//   *.hs-banner.com   -> www/hubspot-banner-emulator.js (HubSpot's cookie banner, the one script
//                                                       that processes _hsp; HubSpot's loader
//                                                       injects it, as
//                                                       https://js.hs-banner.com/v2/<portalId>/banner.js)
//   api.segment.io    -> 200 {} and the payload recorded (Segment's collection API)
//   Segment's CDN     -> cdn.segment.com, or <local server>/segment-cdn for pages that give
//                        analytics-next `cdnURL: harness.segmentCdnUrl()` (what the fixture's
//                        load() does): the project settings (the visit's `segment.settings`, or
//                        { integrations: {} }), and Segment's HubSpot destinations as the stand-ins
//                        in tests/e2e/stand-ins/ (see SEGMENT_CDN_FILES); anything else aborted
//   anything else     -> aborted and recorded in `unexpectedRequests` (unless the visit's
//                        `pages` option answers that URL)
//
// Typical use in a test file (one browser and one server per file, one browser context per visit):
//
//   import { test } from 'node:test';
//   import { useHarness } from './harness.mjs';
//   const harness = useHarness();
//   test('…', async () => {
//     const visit = await harness.openFixture('app', { tracker: 'hold' });
//     await visit.page.evaluate(() => fixture.start({ portalId: '62515' }));
//     visit.release('tracker');
//     await visit.until(() => window.__hubspot?.sent.length === 1);
//     assert.deepEqual(visit.errors, []);
//   });
//
// Each HubSpot host can be told how to answer with `tracker:` / `forms:` / `banner:` options (see `open`).
import { before, after, afterEach } from 'node:test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Fixture pages, built by webpack.config.js's 'e2e-fixtures' build (app) or unbundled (esm). */
export const FIXTURES = {
  app: '/tests/e2e/fixtures/app.html',
  esm: '/tests/e2e/fixtures/esm.html',
};

// `tracker` is HubSpot's tracking code as a page embeds it: its loader, which then requests the
// tracker itself from hs-analytics.net (`classicTracker`). Holding, blocking or replacing
// `tracker` holds, blocks or replaces the whole chain.
const EMULATOR = {
  tracker: 'www/hubspot-loader-emulator.js',
  classicTracker: 'www/hubspot-emulator.js',
  forms: 'www/hubspot-forms-emulator.js',
  banner: 'www/hubspot-banner-emulator.js',
};

/** The path on the local server that stands for Segment's CDN (analytics-next's `cdnURL`). */
export const SEGMENT_CDN_PATH = '/segment-cdn';

/**
 * What Segment's CDN serves besides the project settings, by path: the files analytics-next
 * loads for HubSpot (Classic) in device mode (ajs-destination's loader:
 * /next-integrations/integrations/<name>/<version>/<name>.dynamic.js.gz) and for HubSpot Web
 * (Actions) (the remote plugin's url, /next-integrations/actions/hubspot-web/<hash>.js).
 */
export const SEGMENT_CDN_FILES = [
  {
    path: /^\/next-integrations\/integrations\/hubspot\/[^/]+\/hubspot\.dynamic\.js\.gz$/,
    file: 'tests/e2e/stand-ins/segment-hubspot-classic.js',
  },
  { path: /^\/next-integrations\/actions\/hubspot-web\/[^/]+\.js$/, file: 'tests/e2e/stand-ins/segment-hubspot-actions.js' },
];

/** Which external service a URL belongs to, or null for anything else. */
export function serviceOf(url) {
  const host = new URL(url).hostname;
  if (host === 'hs-scripts.com' || host.endsWith('.hs-scripts.com')) return 'tracker';
  if (host === 'hs-analytics.net' || host.endsWith('.hs-analytics.net')) return 'classicTracker';
  if (host === 'hsforms.net' || host.endsWith('.hsforms.net')) return 'forms';
  if (host === 'hs-banner.com' || host.endsWith('.hs-banner.com')) return 'banner';
  if (host === 'api.segment.io') return 'segmentApi';
  if (host === 'cdn.segment.com') return 'segmentCdn';
  return null;
}

/** Launches Chromium the way every e2e test needs it. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Registers node:test hooks for one test file: a server and a browser before the first test,
 * every visit closed after each test, everything stopped after the last. Returns the harness
 * (its `open`/`openFixture` work once the `before` hook has run, i.e. inside tests).
 */
export function useHarness() {
  const harness = new Harness();
  before(() => harness.start());
  afterEach(() => harness.closeVisits());
  after(() => harness.stop());
  return harness;
}

export class Harness {
  #visits = new Set();

  async start() {
    this.server = await startServer({ root: ROOT });
    this.browser = await launchChromium();
    this.emulators = {};
    for (const [service, file] of Object.entries(EMULATOR)) this.emulators[service] = await readFile(ROOT + file, 'utf8');
    this.segmentCdnFiles = await Promise.all(
      SEGMENT_CDN_FILES.map(async ({ path, file }) => ({ path, body: await readFile(ROOT + file, 'utf8') })),
    );
  }

  async stop() {
    await this.closeVisits();
    await this.browser?.close();
    await this.server?.close();
  }

  async closeVisits() {
    const visits = [...this.#visits];
    this.#visits.clear();
    await Promise.all(visits.map((v) => v.close()));
  }

  /**
   * Runs `fn` with this harness's pages served with extra response `headers` (a
   * Content-Security-Policy, say) by a server of their own; every visit is closed afterwards.
   */
  async withHeaders(headers, fn) {
    const server = await startServer({ root: ROOT, headers });
    const plain = this.server;
    this.server = server;
    try {
      return await fn();
    } finally {
      this.server = plain;
      await this.closeVisits();
      await server.close();
    }
  }

  /** URL of a path on the local server. */
  url(path) {
    return this.server.url + path;
  }

  /** Segment's CDN as this harness serves it locally: the `cdnURL` to give analytics-next. */
  segmentCdnUrl() {
    return this.url(SEGMENT_CDN_PATH);
  }

  /**
   * Opens `path` (on the local server) in a fresh browser context (fresh cookies and storage).
   * Options say how each HubSpot host answers:
   *   tracker / forms: 'emulate' (default) | 'abort' (blocked, like an ad blocker) |
   *                    'hold' (answered with the emulator when `visit.release(name)` is called) |
   *                    a number (that HTTP status, empty body) |
   *                    { body } (this JavaScript instead of the emulator, e.g. a tracker that throws) |
   *                    a function (route, emulatorSource) => … that answers the playwright Route itself
   *   classicTracker:   the same, for *.hs-analytics.net (HubSpot's tracker itself: where the loader,
   *                     and Segment's classic HubSpot, load it from)
   *   banner:           the same, for *.hs-banner.com (HubSpot's cookie banner, injected by the tracker)
   *   segment:          { settings }: Segment's CDN answers the project settings request
   *                     (/v1/projects/<writeKey>/settings) with `settings`, the JSON a workspace
   *                     serves (integrations, remotePlugins…); default { integrations: {} }; `blocked`: a RegExp of
   *                     the CDN paths an ad blocker refuses (Segment's destinations' code)
   *   pages:            { [url]: html }: external pages to serve (other origins for iframes)
   * Resolves once the page has loaded.
   */
  async open(
    path,
    { tracker = 'emulate', forms = 'emulate', classicTracker = 'emulate', banner = 'emulate', segment = {}, pages = {}, viewport } = {},
  ) {
    const context = await this.browser.newContext(viewport ? { viewport } : {});
    const page = await context.newPage();
    const visit = new Visit(context, page);
    this.#visits.add(visit);
    const answers = { tracker, forms, classicTracker, banner, segment, pages };

    await context.route('**/*', (route) =>
      this.#answer(route, visit, answers).catch(() => {
        // The visit was closed while a request was held: nothing left to answer.
      }),
    );

    await page.goto(this.url(path));
    return visit;
  }

  /** Answers one request of a visit: local ones pass, external ones per the table above. */
  async #answer(route, visit, answers) {
    const request = route.request();
    const url = request.url();
    const localCdn = `${this.segmentCdnUrl()}/`;
    if (url.startsWith(this.server.url) && !url.startsWith(localCdn)) return route.continue();
    const service = url.startsWith(localCdn) ? 'segmentCdn' : Object.hasOwn(answers.pages, url) ? 'page' : serviceOf(url);
    visit.requests.push({ service, url, method: request.method(), body: request.postData() });
    switch (service) {
      case 'tracker':
      case 'classicTracker':
      case 'forms':
      case 'banner':
        return this.#answerHubSpot(route, service, answers[service], visit);
      case 'segmentApi':
        return route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
      case 'segmentCdn':
        return this.#answerSegmentCdn(route, url.startsWith(localCdn) ? url.slice(localCdn.length - 1) : url, answers.segment);
      case 'page':
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: answers.pages[url] });
      default:
        visit.unexpectedRequests.push(url);
        return route.abort('internetdisconnected');
    }
  }

  /** Segment's CDN: the project settings, the HubSpot destinations' stand-ins, nothing else. */
  #answerSegmentCdn(route, url, segment) {
    const path = new URL(url, 'https://cdn.segment.com').pathname;
    if (/^\/v1\/projects\/[^/]+\/settings$/.test(path)) {
      const settings = segment.settings ?? { integrations: {} };
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(settings) });
    }
    if (segment.blocked?.test(path)) return route.abort('blockedbyclient');
    const file = this.segmentCdnFiles.find((f) => f.path.test(path));
    if (file) return route.fulfill({ status: 200, contentType: 'text/javascript', body: file.body });
    return route.abort('blockedbyclient');
  }

  /** Opens a fixture page ('app': webpack bundle, 'esm': plain ES module) and waits for window.fixture. */
  async openFixture(name, options) {
    const visit = await this.open(FIXTURES[name], options);
    await visit.page.waitForFunction(() => window.fixture, null, { timeout: 10_000 });
    return visit;
  }

  async #answerHubSpot(route, service, answer, visit) {
    if (answer === 'hold') await visit.held(service);
    if (answer === 'emulate' || answer === 'hold') {
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: this.emulators[service] });
    }
    if (answer === 'abort') return route.abort('blockedbyclient');
    if (typeof answer === 'number') return route.fulfill({ status: answer, body: '' });
    if (typeof answer === 'function') return answer(route, this.emulators[service]);
    if (typeof answer?.body === 'string') return route.fulfill({ status: 200, contentType: 'text/javascript', body: answer.body });
    throw new Error(`unknown answer for ${service}: ${answer}`);
  }
}

/** One page in its own browser context, with what it logged and requested. */
export class Visit {
  #gates = new Map();

  constructor(context, page) {
    this.context = context;
    this.page = page;
    /** Uncaught exceptions and unhandled rejections in the page (Error objects). */
    this.errors = [];
    /** Every console message: { type, text }. */
    this.console = [];
    /** Every request to an external host: { service, url, method, body }. */
    this.requests = [];
    /** External requests to hosts the harness does not know (aborted). */
    this.unexpectedRequests = [];
    page.on('pageerror', (error) => this.errors.push(error));
    page.on('console', (message) => this.console.push({ type: message.type(), text: message.text() }));
  }

  #gate(service) {
    if (!this.#gates.has(service)) {
      let open;
      const promise = new Promise((ok) => (open = ok));
      this.#gates.set(service, { promise, open });
    }
    return this.#gates.get(service);
  }

  /** Resolves when `release(service)` is called (used by the 'hold' answer). */
  held(service) {
    return this.#gate(service).promise;
  }

  /** Lets a held HubSpot host ('tracker', 'classicTracker', 'forms' or 'banner') answer. */
  release(service) {
    this.#gate(service).open();
  }

  /** console.warn and console.error texts. */
  get warnings() {
    return this.console.filter((m) => m.type === 'warning' || m.type === 'error').map((m) => m.text);
  }

  /** Waits (up to 5 s) for a console.warn / console.error containing `text`; resolves to it. */
  async warning(text) {
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((ok) => setTimeout(ok, 25))) {
      const found = this.warnings.find((w) => w.includes(text));
      if (found) return found;
    }
    throw new Error(`no warning containing ${JSON.stringify(text)}; warnings were: ${JSON.stringify(this.warnings)}`);
  }

  /** External requests of one service ('tracker', 'classicTracker', 'forms', 'banner', 'segmentApi', 'segmentCdn', 'page'). */
  requestsTo(service) {
    return this.requests.filter((r) => r.service === service);
  }

  /** Events analytics-next sent to Segment's API (parsed payloads, batches unpacked). */
  segmentEvents() {
    return this.requestsTo('segmentApi')
      .filter((r) => r.body && !new URL(r.url).pathname.endsWith('/m'))
      .flatMap((r) => {
        const payload = JSON.parse(r.body);
        return Array.isArray(payload.batch) ? payload.batch : [payload];
      });
  }

  /** Waits (up to 5 s) for analytics-next to have sent the track event `name` to Segment's API. */
  async segmentEvent(name) {
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((ok) => setTimeout(ok, 25))) {
      const found = this.segmentEvents().find((e) => e.event === name);
      if (found) return found;
    }
    throw new Error(`Segment's API never received the event ${JSON.stringify(name)}`);
  }

  /** The HubSpot emulator's log (window.__hubspot), or null before the tracker ran. */
  hubspot() {
    return this.page.evaluate(() => window.__hubspot ?? null);
  }

  /** What the emulated HubSpot servers received (window.__hubspot.sent), [] before the tracker ran. */
  async sent() {
    return (await this.hubspot())?.sent ?? [];
  }

  /** The cookie banner emulator's log (window.__hubspotBanner), or null before it ran. */
  banner() {
    return this.page.evaluate(() => window.__hubspotBanner ?? null);
  }

  /** The Forms SDK emulator's log (window.__hubspotForms), or null before it ran. */
  forms() {
    return this.page.evaluate(() => window.__hubspotForms ?? null);
  }

  /** What the fixture's Recorder destination received (window.__recorded), [] before it ran. */
  recorded() {
    return this.page.evaluate(() => window.__recorded ?? []);
  }

  /** The log of Segment's own HubSpot destination's stand-in (window.__segmentHubSpot), or null. */
  segmentHubSpot() {
    return this.page.evaluate(() => window.__segmentHubSpot ?? null);
  }

  /** Waits until `predicate(arg)`, evaluated in the page, is truthy; resolves to its value. */
  async until(predicate, arg, { timeout = 5000 } = {}) {
    const handle = await this.page.waitForFunction(predicate, arg, { timeout, polling: 20 });
    return handle.jsonValue();
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}
