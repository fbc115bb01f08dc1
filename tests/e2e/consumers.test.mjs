// README, Install and register, "where apps are built": the package proven in three places besides webpack and the
// plain <script type="module"> (packaging.test.mjs covers those two).
//
//   1. Vite: a production `vite build` of a small app (fixtures/vite/) with no wasm plugin; the
//      output is served on its own and opened in Chromium; the events must reach the HubSpot
//      emulator, the wasm must be the hashed asset Vite emitted (the lean one: the app forwards no
//      forms and uses no cookie banner).
//   2. Server-side rendering: the package imported by a plain Node process (fixtures/node-ssr.mjs,
//      a child process: no window, no document), which must touch no global, fetch nothing, and
//      hand back an inert plugin whose load() loads nothing.
//   3. TypeScript: tests/types/consumer.ts must type-check with `tsc --strict` against the shipped
//      declarations (pkg/hubspot_wasm.d.ts) and analytics-next's own types, its @ts-expect-error
//      lines each being an error; tests/types/wrong-settings.ts must fail, naming each wrong setting.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'vite';
import { startServer } from '../../scripts/serve.mjs';
import { ROOT, useHarness } from './harness.mjs';

const harness = useHarness();
const run = promisify(execFile);
const PKG_WASM = readFileSync(`${ROOT}pkg/hubspot_wasm_bg.wasm`);
const PKG_FULL_WASM = readFileSync(`${ROOT}pkg/hubspot_wasm_full_bg.wasm`);
const PKG_VERSION = JSON.parse(readFileSync(`${ROOT}pkg/package.json`, 'utf8')).version;
const PKG_DTS = readFileSync(`${ROOT}pkg/hubspot_wasm.d.ts`, 'utf8');

// ---- 1. Vite ----------------------------------------------------------------------------------

const VITE_APP = `${ROOT}tests/e2e/fixtures/vite`;
const viteOut = mkdtempSync(join(tmpdir(), 'hubspot-wasm-vite-'));
after(() => rmSync(viteOut, { recursive: true, force: true }));

/**
 * Runs `fn` with the harness's pages served from `server` instead of the repository: its routing
 * lets that server's requests through and answers every other host as usual (HubSpot with the
 * emulator, Segment locally, anything else aborted and recorded). Visits are closed afterwards.
 */
async function servedBy(server, fn) {
  const plain = harness.server;
  harness.server = server;
  try {
    return await fn();
  } finally {
    await harness.closeVisits();
    harness.server = plain;
  }
}

test('Vite 8 production build, no wasm plugin: the app identifies and tracks through HubSpot, its wasm a hashed asset of the build', async (t) => {
  const started = performance.now();
  await build({
    root: VITE_APP,
    configFile: `${VITE_APP}/vite.config.mjs`,
    logLevel: 'silent',
    build: { outDir: viteOut, emptyOutDir: true },
  });
  const buildMs = Math.round(performance.now() - started);

  // What Vite emitted: the package's three wasm files, byte for byte, under hashed names; no
  // unhashed copy.
  const assets = readdirSync(`${viteOut}/assets`);
  const wasms = assets.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasms.length, 3, `three .wasm in the build, the lean, the full and the actions one: ${assets}`);
  const wasm = wasms.find((f) => /^hubspot_wasm_bg-[\w-]{8}\.wasm$/.test(f));
  const full = wasms.find((f) => /^hubspot_wasm_full_bg-[\w-]{8}\.wasm$/.test(f));
  assert.ok(wasm && full, `each named by Vite with a content hash: ${wasms}`);
  assert.ok(PKG_WASM.equals(readFileSync(`${viteOut}/assets/${wasm}`)), 'the lean one is pkg/hubspot_wasm_bg.wasm');
  assert.ok(PKG_FULL_WASM.equals(readFileSync(`${viteOut}/assets/${full}`)), 'the full one is pkg/hubspot_wasm_full_bg.wasm');
  assert.deepEqual(
    readdirSync(viteOut).filter((f) => f.endsWith('.wasm')),
    [],
    'no wasm outside assets/',
  );
  const entry = readFileSync(`${viteOut}/index.html`, 'utf8').match(/src="\/assets\/(index-[\w-]+\.js)"/)?.[1];
  assert.ok(entry, 'index.html loads the bundle');
  const kb = (file) => (statSync(`${viteOut}/assets/${file}`).size / 1024).toFixed(1);
  t.diagnostic(`vite build ${buildMs} ms; ${wasm} ${kb(wasm)} KB; ${entry} ${kb(entry)} KB; ${assets.length} assets`);

  const server = await startServer({ root: viteOut });
  try {
    await servedBy(server, async () => {
      const visit = await harness.open('/');
      // The app calls identify then track at once, before HubSpot's tracker runs: the plugin holds
      // them and hands them over right after HubSpot's own automatic page view, the track as a
      // custom behavioral event (the plugin's default) carrying the identity.
      const sent = await visit.until(() => window.__hubspot?.sent.some((s) => s.kind === 'customEvent') && window.__hubspot.sent);
      const hubspot = await visit.hubspot();
      assert.deepEqual(
        hubspot.commands.filter(([name]) => name !== 'setPortalId' && name !== '<function>'),
        [
          ['trackPageView'],
          ['identify', { id: 'vite-user-1', email: 'vite@example.com', firstname: 'Evan' }],
          ['trackCustomBehavioralEvent', { name: 'pe62515_vite_app_started', properties: { bundler: 'vite', revenue: 8 } }],
        ],
      );
      const brief = ({ kind, name, properties, path, identity, initial }) => ({ kind, name, properties, path, identity, initial });
      assert.deepEqual(
        sent.map(brief),
        [
          { kind: 'pageView', name: undefined, properties: undefined, path: '/', identity: null, initial: true },
          {
            kind: 'customEvent',
            name: 'pe62515_vite_app_started',
            properties: { bundler: 'vite', revenue: '8' },
            path: '/',
            identity: { id: 'vite-user-1', email: 'vite@example.com', firstname: 'Evan' },
            initial: false,
          },
        ],
        "HubSpot's own automatic page view, once, then the event with its identity",
      );
      assert.deepEqual(
        visit.requestsTo('tracker').map((r) => r.url),
        ['https://js.hs-scripts.com/62515.js'],
      );

      // The wasm the page ran is the lean one Vite emitted, from the Vite output's server: the
      // app needs neither form forwarding nor the banner helper, so the full one is not fetched.
      const fetched = await visit.page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((n) => n.includes('.wasm')),
      );
      assert.deepEqual(fetched, [`${server.url}/assets/${wasm}`]);

      // analytics-next itself works in the Vite build too: Segment's API got the event.
      assert.equal((await visit.segmentEvent('Vite App Started')).properties.bundler, 'vite');
      assert.deepEqual(visit.errors, [], 'no page errors');
      assert.deepEqual(visit.unexpectedRequests, []);
      assert.deepEqual(
        visit.warnings.filter((w) => /hubspot/i.test(w)),
        [],
        'no warning from the plugin',
      );
    });
  } finally {
    await server.close();
  }
});

// ---- 2. Server-side rendering -------------------------------------------------------------------

let ssrReport;
/** Runs fixtures/node-ssr.mjs once in a child Node process; resolves to its JSON report. */
function ssr() {
  ssrReport ??= run(process.execPath, [`${ROOT}tests/e2e/fixtures/node-ssr.mjs`], { timeout: 10_000 }).then(
    ({ stdout, stderr }) => ({ ...JSON.parse(stdout), stderr }),
    (error) => {
      // Killed by the timeout (something the package left running kept it alive) or crashed
      // (an unhandled rejection, say): either way the package is not safe to import on a server.
      throw new Error(`the SSR process did not end cleanly (exit ${error.code}, signal ${error.signal}): ${error.stderr}`);
    },
  );
  return ssrReport;
}

test('SSR: importing the package in Node (no window, no document) throws nothing, changes no global and fetches nothing', async () => {
  const report = await ssr();
  assert.deepEqual(report.environment, {
    window: 'undefined',
    document: 'undefined',
    WebAssembly: 'object',
    after: { window: 'undefined', document: 'undefined' },
  });
  assert.equal(report.importError, null);
  // hubspotBannerConsent(): HubSpot's cookie banner as the consent source for Segment's consent wrapper.
  assert.deepEqual(report.exports, ['default', 'hubspotBannerConsent', 'hubspotPlugin']);
  assert.deepEqual(report.globalsChangedByImport, { added: [], removed: [], changed: [] });
  assert.deepEqual(report.fetchedByImport, []);
});

test('SSR: hubspotPlugin() in Node returns a destination plugin whose event and consent methods hand ctx back unchanged and throw nothing', async () => {
  const report = await ssr();
  assert.equal(report.factoryError, null);
  const { plugin } = report;
  assert.equal(plugin.type, 'destination');
  assert.equal(plugin.version, PKG_VERSION);
  assert.equal(typeof plugin.name, 'string');
  assert.ok(
    Object.values(plugin.methods).every((t) => t === 'function'),
    JSON.stringify(plugin.methods),
  );
  assert.equal(plugin.isLoaded, false);
  const unchanged = { same: true, unchanged: true };
  for (const method of ['page', 'identify', 'track', 'group', 'alias', 'screen']) {
    assert.deepEqual(report.events[method], unchanged, method);
  }
  assert.deepEqual(report.extras, {
    'doNotTrack()': 'ok',
    'doNotTrack(false)': 'ok',
    'revokeCookieConsent()': 'ok',
    'setConsent({"analytics":true})': 'ok',
  });
});

test('SSR: load() in Node resolves without loading anything (no fetch, no wasm, no global) and the plugin stays inert', async () => {
  const report = await ssr();
  assert.equal(report.load.returnsPromise, true);
  assert.deepEqual(report.fetched, [], 'nothing fetched');
  assert.deepEqual(report.wasmCalls, [], 'the wasm was not instantiated');
  assert.deepEqual(report.load.outcome, { resolved: true, value: 'undefined' }, 'load() resolves');
  assert.equal(report.afterLoad.isLoaded, false, 'isLoaded() stays false');
  assert.deepEqual(report.afterLoad.ready, { resolved: true, value: 'undefined' });
  for (const method of ['page', 'identify', 'track', 'group', 'alias', 'screen']) {
    assert.deepEqual(report.afterLoad.events[method], { same: true, unchanged: true }, `${method} after load()`);
  }
  assert.equal(report.afterLoad.unload, 'ok');
  assert.deepEqual(report.globalsChanged, { added: [], removed: [], changed: [] }, 'no global added or changed');
});

test('the plugin is named at run time as its shipped declarations say (name, alternativeNames)', async () => {
  const { plugin } = await ssr();
  const declared = PKG_DTS.match(/readonly name: '([^']+)'/)?.[1];
  assert.ok(declared, 'pkg/hubspot_wasm.d.ts declares the name as a literal');
  assert.equal(plugin.name, declared);
  if (/readonly alternativeNames: string\[\]/.test(PKG_DTS)) {
    assert.ok(
      Array.isArray(plugin.alternativeNames) && plugin.alternativeNames.every((n) => typeof n === 'string'),
      `alternativeNames: ${JSON.stringify(plugin.alternativeNames)}`,
    );
  }
});

// ---- 3. TypeScript ------------------------------------------------------------------------------

const TSC = `${ROOT}node_modules/.bin/tsc`;
/** `tsc -p <project> --strict --noEmit`: resolves to { code, output } whatever the exit code. */
function tsc(project) {
  return run(TSC, ['-p', `${ROOT}tests/types/${project}`, '--strict', '--noEmit', '--pretty', 'false'], {
    cwd: ROOT,
    timeout: 30_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error) => {
      if (typeof error.code !== 'number') throw error;
      return { code: error.code, output: error.stdout + error.stderr };
    },
  );
}

test('TypeScript: a strict app using every setting, register(), the consent methods and init() compiles against the shipped declarations', async () => {
  // consumer.ts also holds @ts-expect-error lines (portalId: true, region: 'us', …): were one of
  // them accepted, tsc would fail here with "Unused '@ts-expect-error' directive".
  const { code, output } = await tsc('tsconfig.json');
  assert.equal(output, '');
  assert.equal(code, 0);
  // Every key HubSpotSettings declares is used in consumer.ts.
  const consumer = readFileSync(`${ROOT}tests/types/consumer.ts`, 'utf8');
  const settings = PKG_DTS.match(/export interface HubSpotSettings \{([\s\S]*?)\n\}/)[1];
  const keys = [...settings.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
  assert.ok(keys.length > 10, `settings found: ${keys}`);
  for (const key of ['portalId', 'trackFormSubmissions', 'formFields', 'identifyFormSubmitters']) assert.ok(keys.includes(key), key);
  assert.deepEqual(
    keys.filter((key) => !new RegExp(`^\\s+${key}: `, 'm').test(consumer)),
    [],
    'settings consumer.ts does not use',
  );
});

test('TypeScript: wrong setting types fail to compile, each error on its setting (portalId: true, region: "us", trackFormSubmissions: "yes")', async () => {
  const { code, output } = await tsc('tsconfig.wrong.json');
  assert.notEqual(code, 0, 'tsc must fail');
  const source = readFileSync(`${ROOT}tests/types/wrong-settings.ts`, 'utf8').split('\n');
  const errors = [...output.matchAll(/^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm)].map(([, file, line, column, code, message]) => ({
    file,
    code,
    message,
    // The word tsc points at: the setting whose value is wrong.
    at: source[line - 1].slice(column - 1).match(/^\w+/)?.[0],
  }));
  assert.equal(errors.length, 3, output);
  assert.ok(
    errors.every((e) => e.file.endsWith('tests/types/wrong-settings.ts') && e.code === 'TS2322'),
    output,
  );
  assert.deepEqual(
    errors.map((e) => e.at),
    ['portalId', 'region', 'trackFormSubmissions'],
  );
  assert.match(errors[0].message, /'true' is not assignable to type 'string \| number/);
  assert.match(errors[1].message, /'"us"' is not assignable to type '"ap1" \| "eu1" \| "na1" \| "na2"/);
  assert.match(errors[2].message, /'string' is not assignable to type 'boolean/);
});
