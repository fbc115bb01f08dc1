// The package as its users meet it on npm, checked on the packed tarball (`npm pack` of pkg/,
// unpacked as `npm install` puts it): the declarations list exactly the settings the Rust plugin
// reads; every JavaScript snippet of the README type-checks with `tsc --strict` against the
// installed package; the README on npm has no link into files the package does not ship; the
// manifest points to the repository and exports ./package.json; the LICENSE ships. And in
// Chromium, a misspelt setting warns at run time.
// (publint and attw run on the same tarball in scripts/test.sh.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { installPacked, pack } from '../../scripts/pack.mjs';
import { ROOT, useHarness } from './harness.mjs';

const run = promisify(execFile);
const harness = useHarness();
const APP = `${ROOT}target/readme-app`;
const REPOSITORY = 'https://github.com/hubspot-wasm/hubspot-wasm';
let installed;

before(() => {
  rmSync(APP, { recursive: true, force: true });
  installed = installPacked(pack(), APP);
});
after(() => rmSync(APP, { recursive: true, force: true }));

/** The keys of the declarations' `HubSpotSettings`. */
function declaredKeys(dts) {
  const body = dts.match(/export interface HubSpotSettings \{([\s\S]*?)\n\}/)?.[1];
  assert.ok(body, 'HubSpotSettings found');
  assert.doesNotMatch(body, /^\s*\[/m, 'no index signature: a misspelt key must be a compile error');
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]).sort();
}

test('the declared settings are exactly the keys the Rust settings read (src/settings/keys.rs, which cargo test checks against what the parser asks for)', () => {
  const rust = readFileSync(`${ROOT}src/settings/keys.rs`, 'utf8').match(/pub const KEYS: \[&str; \d+\] = \[([\s\S]*?)\];/)?.[1];
  assert.ok(rust, 'KEYS found in src/settings/keys.rs');
  const read = [...rust.matchAll(/"(\w+)"/g)].map((m) => m[1]).sort();
  assert.ok(read.length > 15 && read.includes('loadFormsSDK'), `${read}`);
  assert.deepEqual(declaredKeys(readFileSync(`${installed}/hubspot_wasm.d.ts`, 'utf8')), read);
});

test('at run time a misspelt setting warns once, naming the key meant; other unknown keys stay quiet', async () => {
  const visit = await harness.open('/tests/e2e/fixtures/blank.html');
  await visit.page.evaluate(async () => {
    const { default: init, hubspotPlugin } = await import('/pkg/hubspot_wasm.js');
    await init();
    hubspotPlugin({ portalId: '62515', portalID: '1', regoin: 'eu1', loadFormSdk: true, loadFormsSDK: false, bundlingStatus: 'bundled' });
  });
  assert.deepEqual(visit.warnings, [
    'hubspot-wasm: unknown setting `portalID`: did you mean `portalId`?',
    'hubspot-wasm: unknown setting `regoin`: did you mean `region`?',
    'hubspot-wasm: unknown setting `loadFormSdk`: did you mean `loadFormsSdk`?',
  ]);
  assert.deepEqual(visit.errors, []);
});

/** What a README snippet uses without importing or declaring it, so that it compiles alone. */
const PRELUDE = {
  AnalyticsBrowser: "import { AnalyticsBrowser } from '@segment/analytics-next';",
  createWrapper: "import { createWrapper } from '@segment/analytics-consent-tools';",
  hubspotPlugin: "import { hubspotPlugin } from 'hubspot-wasm';",
  analytics: "declare const analytics: import('@segment/analytics-next').AnalyticsBrowser;",
  cmp: 'declare const cmp: { categories(): Record<string, boolean>; onChange(changed: () => void): void };',
};

test("every JavaScript snippet of the package's README type-checks with tsc --strict against the installed package", async () => {
  const readme = readFileSync(`${installed}/README.md`, 'utf8');
  const snippets = [...readme.matchAll(/^```(?:js|ts|javascript|typescript)\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  assert.ok(snippets.length >= 5, `snippets found: ${snippets.length}`);
  const dir = `${APP}/snippets`;
  mkdirSync(dir, { recursive: true });
  const files = snippets.map((code, i) => {
    const defines = (name) => new RegExp(`(import\\b[^;]*\\b${name}\\b[^;]*\\bfrom|\\b(const|let|function) ${name}\\b)`).test(code);
    const prelude = Object.entries(PRELUDE)
      .filter(([name]) => new RegExp(`\\b${name}\\b`).test(code) && !defines(name))
      .map(([, line]) => line);
    const file = `snippet-${i + 1}.ts`;
    writeFileSync(`${dir}/${file}`, `${prelude.join('\n')}\n${code}\nexport {};\n`);
    return file;
  });
  writeFileSync(
    `${dir}/tsconfig.json`,
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['es2022', 'dom'],
        types: [],
        strict: true,
        noEmit: true,
      },
      files,
    }),
  );
  const output = await run(`${ROOT}node_modules/.bin/tsc`, ['-p', dir, '--pretty', 'false'], { cwd: dir, timeout: 60_000 }).then(
    ({ stdout, stderr }) => stdout + stderr,
    (error) => `tsc exit ${error.code}\n${error.stdout}${error.stderr}`,
  );
  assert.equal(output, '', `${output}\n(snippets in ${dir})`);
});

test("the README on npm is the users' one: no contributors' commands, every link absolute or an anchor of its own", () => {
  const readme = readFileSync(`${installed}/README.md`, 'utf8');
  assert.doesNotMatch(readme, /npm start|npm test|<!-- \/?repository -->/);
  for (const heading of [
    '## Install and register',
    '## Settings',
    '## What reaches HubSpot',
    '## Consent and privacy',
    '## Loading and CSP',
    '## Bundlers',
    '## Guarantees',
    '## Performance',
  ]) {
    assert.ok(readme.includes(`\n${heading}\n`), heading);
  }
  const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g), ...readme.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]);
  const anchors = new Set(
    [...readme.matchAll(/^#+ (.+)$/gm)].map(
      (m) =>
        `#${m[1]
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-')}`,
    ),
  );
  for (const target of targets) {
    if (target.startsWith('#')) assert.ok(anchors.has(target), `${target} is a heading of the README`);
    else assert.match(target, /^https:\/\//, `${target} is absolute`);
  }
  // The repository's own files are linked into the repository.
  for (const target of targets.filter((t) => t.startsWith(`${REPOSITORY}/blob/main/`))) {
    const path = target.slice(`${REPOSITORY}/blob/main/`.length).replace(/#.*/, '');
    assert.ok(readdirSync(`${ROOT}${path.replace(/[^/]+$/, '')}`).includes(path.replace(/^.*\//, '')), `${path} exists in the repository`);
  }
});

test('the manifest names the repository, exports ./package.json and the typed .wasm subpaths; LICENSE and the declarations ship', async () => {
  const manifest = JSON.parse(readFileSync(`${installed}/package.json`, 'utf8'));
  assert.deepEqual(manifest.repository, { type: 'git', url: `git+${REPOSITORY}.git` });
  assert.equal(manifest.homepage, `${REPOSITORY}#readme`);
  assert.deepEqual(manifest.bugs, { url: `${REPOSITORY}/issues` });
  assert.equal(manifest.license, 'MIT');
  assert.match(readFileSync(`${installed}/LICENSE`, 'utf8'), /^MIT License\n/);
  assert.deepEqual(readdirSync(installed).sort(), [
    'LICENSE',
    'README.md',
    'hubspot_wasm.d.ts',
    'hubspot_wasm.js',
    'hubspot_wasm_actions_bg.wasm',
    'hubspot_wasm_bg.wasm',
    'hubspot_wasm_bg.wasm.d.ts',
    'hubspot_wasm_full_bg.wasm',
    'package.json',
  ]);
  // Node resolves ./package.json through the exports, as tools reading the version do.
  const { stdout } = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const m = await import('hubspot-wasm/package.json', { with: { type: 'json' } }); console.log(m.default.name + '@' + m.default.version)",
    ],
    { cwd: APP },
  );
  assert.equal(stdout.trim(), `hubspot-wasm@${manifest.version}`);
});
