// Differential test of the Rust mapping-kit (src/actions/mapping_kit.rs) against the real one:
// generates random mappings and Segment-like events, runs `@segment/actions-core`'s `transform`
// on each pair (as Segment's browser build runs it: `@liquid` inert), and writes the cases with
// their results to target/mapping-differential.json, which `cargo test --features
// workspace-actions mapping_kit_differential` then runs through the Rust `transform`.
//
//   node tests/actions/mapping-differential.mjs [--cases N] [--seed S] [--out FILE]
//
// The generator stays out of the documented differences (docs/mapping-kit.md): paths into
// JavaScript's built-in members (`toString`, `constructor`, `__proto__`), `constructor` /
// `prototype` keys, numbers written in a non-canonical form inside `@json` text, and characters
// outside the BMP where a string is indexed.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const count = Number(arg('--cases', 4000));
let seed = Number(arg('--seed', 24));
const out = arg('--out', join(root, 'target', 'mapping-differential.json'));

// mapping-kit imports `liquidjs`, which Segment's browser build aliases to an inert stub.
const require = createRequire(import.meta.url);
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
const stub = join(root, 'tests', 'actions', 'liquid-browser-stub.cjs');
Module._resolveFilename = function (request, ...rest) {
  return request === 'liquidjs' ? stub : resolveFilename.call(this, request, ...rest);
};
const { transform } = require('@segment/actions-core/mapping-kit');

// A small seeded PRNG (mulberry32), so that a failure can be rerun with its seed.
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const chance = (p) => random() < p;
const pick = (items) => items[Math.floor(random() * items.length)];
const int = (n) => Math.floor(random() * n);
// Half the cases get options of the wrong shape now and then (validation and run-time errors);
// the others none, so that a whole mapping resolves more often.
let hostile = 1;
const bad = (p) => random() < p * hostile;

const words = ['', 'a', 'b', 'Signed Up', 'ORDER', 'order_completed', 'x.y', 'pro', 'héllo', 'ŞtraßE', 'ſs', 'İi',
  '{{a}}', '{{{properties.name}}}', 'a$&b', '$$', '  spaced  ', 'true', 'false', '0', '12', '-', '_', '+', 'a-b_c+d',
  'MiXeD-CaSe', 'emoji 😀', '\u00a0nbsp\ufeff', 'line\nbreak', 'tab\t"quote"\\', 'null', '[1,2]', '{"k":"v"}'];
const numbers = [0, 1, -1, 2, 0.5, 0.99, 42, 100, -3.25, 1e21, 123456789];
const keys = ['a', 'b', 'name', 'email', 'price', 'plan', 'arr', 's', 'o', 'n', 'z', 'e', 'f', 't', '0', '1', 'b c', 'x_y', 'nested'];

function scalar() {
  switch (int(5)) {
    case 0: return pick(words);
    case 1: return pick(numbers);
    case 2: return chance(0.5);
    case 3: return null;
    default: return pick(words.filter((w) => !w.includes('😀')));
  }
}

function value(depth) {
  if (depth <= 0 || chance(0.55)) return scalar();
  if (chance(0.4)) return Array.from({ length: int(4) }, () => value(depth - 1));
  const obj = {};
  for (let i = int(5); i > 0; i--) obj[pick(keys)] = value(depth - 1);
  return obj;
}

function payload() {
  const props = { s: 'hello', arr: [{ a: 1, price: 0.5 }, { a: 0, price: 2 }], n: null, z: 0, e: '', f: false, t: true };
  for (let i = int(6); i > 0; i--) props[pick(keys.filter((k) => k !== 's'))] = value(3);
  const traits = { email: pick(['a@b.co', '', 'A@B.CO']), plan: pick(['pro', 'free', null]) };
  for (let i = int(3); i > 0; i--) traits[pick(keys)] = value(2);
  const event = {
    type: pick(['track', 'identify', 'page']),
    event: pick(['Signed Up', 'Order Completed', 'x']),
    userId: pick(['u1', null, 42]),
    properties: props,
    traits,
    context: { page: { path: '/p', title: 'T' }, locale: 'en' },
  };
  if (chance(0.3)) event.properties.json = JSON.stringify(value(3));
  if (chance(0.2)) event.properties.json = pick(['{"a":', '[1,]', 'nul', '"x"', ' [ 1 , {"b" : null} ] ', '{"a":1,"a":2}']);
  return event;
}

const paths = ['$.properties.a', '$.properties.name', '$.traits.email', '$.traits.plan', 'properties.price', '$.event',
  '$.type', '$.userId', '$.', '', '$.properties', '$.traits', '$.context.page.path', '$.properties.arr',
  '$.properties.arr[0].price', '$.properties.arr.1.a', '$.properties.arr.length', '$.properties.s.length',
  '$.properties.s.1', "$.properties['b c']", '$.properties["x_y"]', '$.properties.z.deeper', '$.properties.e.x',
  '$.properties.n.x', '$.properties.f.x', '$.properties.t.x', '$.missing.key', '$.properties.o.a', '$.properties.0',
  '$.properties.nested.nested.a', '$.properties.json', 'a$.b', '$', '$.properties.arr[5]', '$.properties.arr.01'];

// A path of random pieces, to exercise how actions-core's `get` splits one (quotes, brackets,
// runs of `]`, `$.` anywhere).
function randomPath() {
  const pieces = ['properties', 'traits', 'arr', 'a', 'b c', 'price', 's', 'json', '0', '1', '01', 'length', 'email', 'nested'];
  const joins = ['.', '.', '.', '[', ']', '][', '["', '"]', "['", "']", ']]', '$.', ' ', ''];
  let path = chance(0.7) ? '$.' : '';
  for (let i = int(5) + 1; i > 0; i--) path += pick(pieces) + (i > 1 ? pick(joins) : chance(0.2) ? pick(joins) : '');
  return path;
}
const anyPath = () => (chance(0.25) ? randomPath() : pick(paths));

// A directive, sometimes given options of the wrong shape (to exercise validation and errors).
function directive(depth) {
  const sub = () => field(depth - 1);
  const stringish = () => (chance(0.6) ? pick(words) : { "@path": pick(paths) });
  const wrong = () => pick([1, true, null, [], {}, { '@path': 5 }, 'x']);
  switch (int(15)) {
    case 0: return { '@path': !bad(0.08) ? anyPath() : chance(0.5) ? { '@path': '$.properties.name' } : wrong() };
    case 1: return { '@template': !bad(0.08) ? template() : wrong() };
    case 2: return { '@literal': chance(0.7) ? value(2) : sub() };
    case 3: {
      const opts = {};
      if (chance(0.7)) opts.exists = sub(); else if (!bad(0.2)) opts.blank = sub();
      if (chance(0.8)) opts.then = sub();
      if (chance(0.7)) opts.else = chance(0.2) ? pick([0, '', false, null]) : sub();
      if (bad(0.05)) opts.exists = pick(['', 0, null]);
      return { '@if': opts };
    }
    case 4: {
      const opts = { value: chance(0.9) ? { '@path': pick(paths) } : stringish() };
      if (!bad(0.1)) opts.operator = !bad(0.1) ? pick(['lower', 'upper']) : pick(['', 'title', 3]);
      return { '@case': opts };
    }
    case 5: {
      const opts = { pattern: pick(['-', '_', 'a', 'S', 'ss', '.', '+', ' ', 'o', '$', '{{', 'ſ', 'é', 'true', '0']) };
      if (chance(0.8)) opts.replacement = pick(['', '_', '$&$&', '$`', "$'", '$$', '$1', 'X', ' ']);
      opts.value = chance(0.85) ? { '@path': pick(paths) } : stringish();
      if (chance(0.4)) opts.ignorecase = chance(0.5);
      if (chance(0.4)) opts.global = chance(0.5);
      if (chance(0.3)) opts.pattern2 = pick(['a', 'o', '', 'E', 'toolongpattern2']);
      if (chance(0.3)) opts.replacement2 = pick(['', 'Z', null, 5]);
      if (bad(0.05)) opts.pattern = pick(['', 'waytoolongpattern', 1]);
      if (bad(0.05)) delete opts.value;
      return { '@replace': opts };
    }
    case 6: {
      const shape = chance(0.7) ? { id: { '@path': pick(['$.a', '$.price', '$.', '']) }, k: sub() } : chance(0.5) ? {} : undefined;
      const path = chance(0.8) ? pick(paths) : sub();
      return { '@arrayPath': shape === undefined ? [path] : [path, shape] };
    }
    case 7: return { '@json': { mode: !bad(0.1) ? pick(['encode', 'decode']) : pick(['ENCODE', 'oops']), value: chance(0.8) ? { '@path': pick(paths) } : sub() } };
    case 8: {
      const opts = { value: chance(0.8) ? { '@path': pick(paths) } : sub() };
      if (!bad(0.1)) opts.separator = bad(0.2) ? '' : pick(['.', '_', '/']);
      if (chance(0.4)) opts.omitArrays = chance(0.5);
      return { '@flatten': opts };
    }
    case 9: {
      const objects = Array.from({ length: int(4) }, () => (chance(0.5) ? { '@path': pick(paths) } : field(depth - 1, true)));
      const opts = { objects: !bad(0.05) ? objects : wrong() };
      if (!bad(0.1)) opts.direction = !bad(0.1) ? pick(['left', 'right']) : pick(['up', 'LEFT']);
      return { '@merge': opts };
    }
    case 10: return { '@transform': { apply: object(depth - 1), mapping: chance(0.7) ? object(depth - 1) : sub() } };
    case 11: return { '@excludeWhenNull': chance(0.7) ? { '@path': pick(paths) } : sub() };
    case 12: return { '@liquid': !bad(0.1) ? pick(['', 'Hi {{ traits.email }}', '{% if a %}x{% endif %}']) : wrong() };
    case 13: if (!hostile) return { '@path': pick(paths) };
      return { [pick(['@path', '@if', '@nope', '@template'])]: pick(paths), [pick(['_metadata', 'extra', '@literal'])]: 1 };
    default: return { '@path': pick(paths), _metadata: { label: 'x' } };
  }
}

function template() {
  const parts = [];
  for (let i = int(4); i >= 0; i--) {
    const path = anyPath().replace('$.', '');
    parts.push(pick(words.filter((w) => !w.includes('😀'))), pick(['{{', '{{{', '{{ ']) + path + pick(['}}', '}}}', ' }}', '}']));
  }
  return parts.join('');
}

function field(depth, objectOnly = false) {
  if (depth <= 0) return objectOnly ? {} : scalar();
  if (objectOnly) return chance(0.5) ? object(depth) : directive(depth);
  const r = random();
  if (r < 0.55) return directive(depth);
  if (r < 0.7) return object(depth);
  if (r < 0.78) return Array.from({ length: int(3) }, () => field(depth - 1));
  return scalar();
}

function object(depth) {
  const obj = {};
  for (let i = int(5) + 1; i > 0; i--) obj[pick(['email', 'event_name', 'properties', 'a', 'b', 'name', 'id', 'x y', '0'])] = field(depth - 1);
  return obj;
}

function mapping() {
  const r = random();
  if (r < 0.04) return pick([['cool', { '@path': '$.event' }], 'neat', 7, null]);
  if (r < 0.1) return directive(4);
  const m = object(4);
  if (chance(0.04)) m.__segment_internal_directive = pick([{ '@transform': { apply: object(2) } }, { '@merge': { direction: 'right', objects: [] } }, {}, 'x']);
  return m;
}

const cases = [];
for (let i = 0; i < count; i++) {
  hostile = i % 2;
  const m = mapping();
  const p = payload();
  // Both written before transform runs: @replace writes its defaults into the mapping.
  const c = { name: `case ${i}`, mapping: JSON.parse(JSON.stringify(m)), payload: JSON.parse(JSON.stringify(p)) };
  try {
    const result = transform(m, p);
    if (result === undefined) c.output_undefined = true;
    else c.output = JSON.parse(JSON.stringify(result));
  } catch (e) {
    c.error = String(e && e.message);
  }
  cases.push(c);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ seed: Number(arg('--seed', 24)), cases }) + '\n');
const errors = cases.filter((c) => 'error' in c).length;
console.log(`mapping-differential: ${cases.length} cases (${errors} errors in @segment/actions-core) -> ${out}`);
