// The packed package (`npm pack` of pkg/, unpacked into an app's node_modules/ as `npm install`
// puts it) bundled by esbuild, Rollup and Next.js (app router, `next build` and `next dev`) as the
// README's Bundlers section says, each app served on its own and opened in Chromium: the events must reach the HubSpot emulator and the page must
// fetch the lean wasm from the build's output. And where the README's step is skipped (esbuild's
// ES module output without the .wasm beside it), load() must fail saying what to do, with
// analytics going on. (webpack and Vite: packaging.test.mjs and consumers.test.mjs.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { build as esbuild } from 'esbuild';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import { installPacked, pack } from '../../scripts/pack.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { ROOT, useHarness } from './harness.mjs';

const harness = useHarness();
/** The app's folder: its sources and node_modules/hubspot-wasm from the tarball. Inside the
 * repository, so that analytics-next resolves from the repository's node_modules/ above it. */
const APP = `${ROOT}target/bundled-app`;
const OUT = `${APP}/out`;
const LEAN = readFileSync(`${ROOT}pkg/hubspot_wasm_bg.wasm`);
let installed;

before(() => {
  rmSync(APP, { recursive: true, force: true });
  cpSync(`${ROOT}tests/e2e/fixtures/bundled`, `${APP}/src`, { recursive: true });
  installed = installPacked(pack(), APP);
});
after(() => {
  rmSync(APP, { recursive: true, force: true });
  rmSync(NEXT_APP, { recursive: true, force: true, maxRetries: 10 });
});

/** A fresh output folder for one build, with its page: the bundle as a module or a classic script. */
function output(name, { module }) {
  const dir = `${OUT}/${name}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tag = module ? '<script type="module" src="./app.js"></script>' : '<script src="./app.js"></script>';
  writeFileSync(
    `${dir}/index.html`,
    `<!doctype html><meta charset="utf-8"><title>${name}</title><script>window.bundler = '${name}'</script>${tag}\n`,
  );
  return dir;
}

/** The README's step for esbuild's ES module output and Rollup: the .wasm files beside the bundle. */
function copyWasmBeside(dir) {
  for (const file of readdirSync(installed).filter((f) => f.endsWith('.wasm'))) copyFileSync(`${installed}/${file}`, `${dir}/${file}`);
}

/** Serves `dir` and opens its page with the harness's routes (HubSpot emulated, Segment local). */
async function visitBuild(dir, fn) {
  const server = await startServer({ root: dir });
  const plain = harness.server;
  harness.server = server;
  try {
    return await fn(await harness.open('/'), server);
  } finally {
    await harness.closeVisits();
    harness.server = plain;
    await server.close();
  }
}

/** The app's identify and track reached HubSpot, after HubSpot's own page view, from the lean wasm at `wasmPath`. */
async function assertDelivered(visit, server, bundler, wasmPath) {
  const sent = await visit.until(() => window.__hubspot?.sent.some((s) => s.kind === 'customEvent') && window.__hubspot.sent);
  const brief = ({ kind, name, properties, identity }) => ({ kind, name, properties, identity });
  assert.deepEqual(sent.map(brief), [
    { kind: 'pageView', name: undefined, properties: undefined, identity: null },
    {
      kind: 'customEvent',
      name: 'pe62515_bundled_app_started',
      properties: { bundler },
      identity: { id: 'bundled-user-1', email: 'bundled@example.com', firstname: 'Bea' },
    },
  ]);
  const fetched = await visit.page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((n) => n.includes('.wasm')),
  );
  assert.equal(fetched.length, 1, `one wasm fetched: ${fetched}`);
  if (typeof wasmPath === 'string') assert.equal(fetched[0], `${server.url}/${wasmPath}`, 'the lean wasm, from the build');
  else assert.match(fetched[0].slice(server.url.length), wasmPath);
  const bytes = await visit.page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer())].join(), fetched[0]);
  assert.ok(bytes === [...LEAN].join(), "byte for byte the package's lean wasm");
  assert.equal((await visit.segmentEvent('Bundled App Started')).properties.bundler, bundler);
  assert.deepEqual(visit.errors, [], 'no page errors');
  assert.deepEqual(
    visit.warnings.filter((w) => /hubspot/i.test(w)),
    [],
    'no warning from the plugin',
  );
}

/**
 * Without its wasm the plugin sends HubSpot nothing: HubSpot's loader, requested at load() before
 * the wasm's failure was known, records only HubSpot's own page view.
 */
async function assertNoEventReachedHubSpot(visit) {
  const sent = await visit.until(() => window.__hubspot?.sent.some((s) => s.kind === 'pageView') && window.__hubspot.sent);
  assert.deepEqual(
    sent.map((s) => s.kind),
    ['pageView'],
    "HubSpot's own page view only: no event of the app",
  );
}

const esbuildOptions = (entry, dir, extra) => ({
  entryPoints: [`${APP}/src/${entry}`],
  bundle: true,
  outfile: `${dir}/app.js`,
  minify: true,
  logLevel: 'silent',
  target: 'es2022',
  ...extra,
});

test('esbuild, ES module output: with the .wasm files copied beside the bundle, the app reaches HubSpot', async () => {
  const dir = output('esbuild-esm', { module: true });
  await esbuild(esbuildOptions('app.js', dir, { format: 'esm' }));
  copyWasmBeside(dir);
  await visitBuild(dir, (visit, server) => assertDelivered(visit, server, 'esbuild-esm', 'hubspot_wasm_bg.wasm'));
});

test('esbuild, iife output: --loader:.wasm=file and init({ module_or_path }) first, the app reaches HubSpot', async () => {
  const dir = output('esbuild-iife', { module: false });
  await esbuild(esbuildOptions('app-iife.js', dir, { format: 'iife', loader: { '.wasm': 'file' }, assetNames: '[name]-[hash]' }));
  const [wasm, ...others] = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
  assert.match(wasm, /^hubspot_wasm_bg-\w+\.wasm$/, 'esbuild emitted the imported (lean) wasm, hashed');
  assert.deepEqual(others, [], 'and only that one');
  await visitBuild(dir, (visit, server) => assertDelivered(visit, server, 'esbuild-iife', wasm));
});

test("esbuild, ES module output without the README's step: load() rejects naming the fix, analytics goes on, HubSpot gets no event", async () => {
  const dir = output('esbuild-bare', { module: true });
  await esbuild(esbuildOptions('app.js', dir, { format: 'esm' }));
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.wasm')),
    [],
    'esbuild emitted no wasm',
  );
  await visitBuild(dir, async (visit) => {
    // analytics-next logs a destination whose load() rejects as console.warn(name, error).
    const warning = await visit.warning('init({ module_or_path })');
    assert.match(warning, /^hubspot-wasm Error: the WebAssembly could not be loaded: .*404/);
    assert.match(warning, /https:\/\/github\.com\/hubspot-wasm\/hubspot-wasm#bundlers/);
    assert.equal(
      warning.replaceAll('github.com/hubspot-wasm/hubspot-wasm', '').match(/hubspot-wasm/g).length,
      1,
      `the name once: ${warning}`,
    );
    assert.equal((await visit.segmentEvent('Bundled App Started')).properties.bundler, 'esbuild-bare', 'analytics goes on');
    await assertNoEventReachedHubSpot(visit);
    assert.deepEqual(visit.errors, [], 'no exception reaches the page');
  });
});

test("esbuild, iife output without the README's step: load() rejects naming the fix (there is no import.meta.url to find the .wasm by)", async () => {
  const dir = output('esbuild-iife-bare', { module: false });
  await esbuild(esbuildOptions('app.js', dir, { format: 'iife' }));
  await visitBuild(dir, async (visit) => {
    const warning = await visit.warning('init({ module_or_path })');
    assert.match(warning, /^hubspot-wasm Error: the WebAssembly could not be loaded: .*URL.*#bundlers/);
    assert.equal((await visit.segmentEvent('Bundled App Started')).properties.bundler, 'esbuild-iife-bare', 'analytics goes on');
    await assertNoEventReachedHubSpot(visit);
    assert.deepEqual(visit.errors, [], 'no exception reaches the page');
  });
});

test('Rollup with @rollup/plugin-node-resolve and -commonjs (for analytics-next): with the .wasm files copied beside the bundle, the app reaches HubSpot', async () => {
  const dir = output('rollup', { module: true });
  const bundle = await rollup({ input: `${APP}/src/app.js`, plugins: [nodeResolve({ browser: true }), commonjs()], onwarn: () => {} });
  await bundle.write({ file: `${dir}/app.js`, format: 'es', inlineDynamicImports: true });
  await bundle.close();
  copyWasmBeside(dir);
  await visitBuild(dir, (visit, server) => assertDelivered(visit, server, 'rollup', 'hubspot_wasm_bg.wasm'));
});

// ---- Next.js (app router) ------------------------------------------------------------------------

/** The Next.js app: tests/e2e/fixtures/next/ and the packed package, inside the repository so that
 * next, react and analytics-next resolve from its node_modules/. */
const NEXT_APP = `${ROOT}target/next-app`;
const NEXT = `${ROOT}node_modules/.bin/next`;

/** A free local port. */
function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Runs `next <command>` on a free port until `fn` settles (the process group is ended after). */
async function withNext(command, fn) {
  const port = await freePort();
  const child = spawn(NEXT, [command, '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: NEXT_APP,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let tries = 0; !/Ready in/.test(output); tries++) {
      assert.ok(tries < 1200 && child.exitCode === null, `next ${command} did not start: ${output}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
    const plain = harness.server;
    harness.server = { url };
    try {
      return await fn(await harness.open('/'), harness.server);
    } finally {
      await harness.closeVisits();
      harness.server = plain;
    }
  } finally {
    const exited = child.exitCode === null ? new Promise((ok) => child.once('exit', ok)) : null;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {} // the server and its workers
    await exited;
  }
}

test('Next.js (app router), next build then next start: nothing to configure, the app reaches HubSpot', { timeout: 240_000 }, async () => {
  rmSync(NEXT_APP, { recursive: true, force: true });
  cpSync(`${ROOT}tests/e2e/fixtures/next`, NEXT_APP, { recursive: true });
  writeFileSync(`${NEXT_APP}/package.json`, '{ "private": true }\n');
  installPacked(pack(), NEXT_APP);
  await new Promise((resolve, reject) => {
    const build = spawn(NEXT, ['build'], {
      cwd: NEXT_APP,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    let output = '';
    build.stdout.on('data', (d) => {
      output += d;
    });
    build.stderr.on('data', (d) => {
      output += d;
    });
    build.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (${code}): ${output}`))));
  });
  const media = readdirSync(`${NEXT_APP}/.next/static/media`)
    .filter((f) => f.endsWith('.wasm'))
    .sort();
  assert.deepEqual(
    media.map((f) => f.replace(/\.[\w-]+\.wasm$/, '.wasm')),
    ['hubspot_wasm_actions_bg.wasm', 'hubspot_wasm_bg.wasm', 'hubspot_wasm_full_bg.wasm'],
    'each emitted, hashed',
  );
  await withNext('start', (visit, server) =>
    assertDelivered(visit, server, 'next-build', /^\/_next\/static\/media\/hubspot_wasm_bg\.[\w-]+\.wasm$/),
  );
});

test('Next.js (app router), next dev: the app reaches HubSpot', { timeout: 240_000 }, async () => {
  await withNext('dev', (visit, server) => assertDelivered(visit, server, 'next-dev', /hubspot_wasm_bg\.[\w-]+\.wasm$/));
});
