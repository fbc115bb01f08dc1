// Differential test data for the Rust FQL module: many generated triggers (well-formed, quirky
// and broken) run by the real @segment/destination-subscriptions (3.37.0, a devDependency) over
// many generated events. Writes { events, cases: [{ fql, ast, results }] } where `results[i]` is
// true, false or "throw" for events[i]; `cargo test` (src/actions/fql/tests.rs) reads the file
// named by FQL_DIFFERENTIAL and fails on any disagreement.
//   node tests/actions/differential.mjs [out.json] [count]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { sortedAst } from './fql-vectors.mjs';

const require = createRequire(import.meta.url);
const { parseFql, validate } = require('@segment/destination-subscriptions');
const root = new URL('../..', import.meta.url).pathname;
const out = process.argv[2] ?? `${root}target/fql-differential.json`;
const count = Number(process.argv[3] ?? 4000);

// A seeded generator: the same file every run.
// mulberry32: integer arithmetic only (a float LCG falls into a short cycle).
let seed = 0x2545f491;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const pick = (list) => list[Math.floor(random() * list.length)];

const FIELDS = ['type', 'event', 'name', 'userId', 'properties.plan', 'properties.total', 'properties.n', 'properties.flag',
  'properties.items', 'properties.items.length', 'properties.items.0', 'properties.s.0', 'properties.s.length',
  'properties.nested.deep', 'properties.empty.x', 'properties.zero.x', 'properties.__proto__', 'properties.constructor',
  'properties.missing', 'traits.plan', 'traits.email', 'traits.work_email', 'traits.logins', 'context.page.path',
  'context.ip', 'constructor', 'foo', 'properties', 'traits.address.city', 'properties.a\\.b', 'propertiesx',
  'properties.form_name', 'context.traits.plan'];
const OPERATORS = ['=', '!=', '<', '<=', '>', '>=', ' = ', '==', 'contains', '*', '!=', '='];
const VALUES = ['"track"', '"page"', '"identify"', '"Order Completed"', '"Signed Up"', '"pro"', '"free"', '5', '10', '-3.5',
  '0', '007', '100', 'true', 'false', 'null', "'pro'", '"5"', '"10"', '-', '+2', '""', '"Ord*"', '"*ed"', '"a*b"', 'pro',
  '1.50', '"😀"', '"/pricing"', '"1.1.1.1"', '99999999999', '0.1'];
const FUNCTION_FIELDS = ['event', 'name', 'userId', 'properties.plan', 'traits.plan', 'context.page.path', 'properties.s',
  'properties.total', 'propertiesx', '"event"'];
const FUNCTION_VALUES = ['"Order"', '"Ord*"', '"*ed"', '"*"', '""', '"pro"', '"x*y"', '5', "'Ord*'", '"/pri*"'];

function condition() {
  const r = random();
  if (r < 0.55) return `${pick(FIELDS)} ${pick(OPERATORS)} ${pick(VALUES)}`;
  if (r < 0.85) return `${random() < 0.3 ? '!' : ''}${pick(['contains', 'match'])}(${pick(FUNCTION_FIELDS)}, ${pick(FUNCTION_VALUES)})`;
  if (r < 0.9) return `(${condition()} ${pick(['and', 'or'])} ${condition()})`;
  if (r < 0.93) return `!(${condition()})`;
  if (r < 0.95) return '()';
  return `${pick(FIELDS)}${pick(['=', '!=', '>=', ' >=', '!= '])}${pick(VALUES)}`;
}

function trigger() {
  let fql = condition();
  const more = Math.floor(random() * 4);
  for (let i = 0; i < more; i += 1) fql += ` ${pick(['and', 'or', 'and', 'AND', ''])} ${condition()}`;
  const r = random();
  // Some broken on purpose: cut short, or a stray character.
  if (r < 0.05) fql = fql.slice(0, Math.floor(random() * fql.length));
  else if (r < 0.08) fql = fql.replace(' ', pick(['#', '\r', '\\', '((', ')', '.', '"']));
  return fql;
}

function event() {
  const type = pick(['track', 'page', 'identify', 'group']);
  const e = { type, messageId: 'm' };
  if (type === 'track') e.event = pick(['Order Completed', 'Signed Up', 'Form Submitted', 'Ordered', '', 'order completed']);
  if (type === 'page') e.name = pick(['Home', 'Pricing', undefined]);
  if (random() < 0.6) e.userId = pick(['ann-1', 'ann@example.com', '', 'true']);
  const properties = {};
  for (const [key, values] of Object.entries({
    plan: ['pro', 'free', 5, null, true, ''],
    total: [5, 10, 100, 99.5, -3.5, 0, '10', 1e21, 0.1],
    n: [0, 1, 7, 10, 11, 'x'],
    flag: [true, false, 'true', 1],
    items: [[], [{ id: 1 }], ['a', 'b', 'c'], 'abc'],
    s: ['hello', '', '😀x'],
    nested: [{ deep: 'y' }, { deep: 0 }, 'text'],
    empty: ['', 0, null, false],
    zero: [0],
    form_name: ['demo_request', 'Contact Us'],
    'a.b': ['dotted'],
  })) {
    if (random() < 0.5) properties[key] = pick(values);
  }
  if (type !== 'identify' && random() < 0.9) e.properties = properties;
  if (type === 'identify') e.traits = { plan: pick(['pro', 'free', undefined]), email: pick(['a@b.co', undefined]), work_email: 'w@b.co', logins: pick([1, 10, 100, '10']), address: { city: 'Paris' } };
  e.context = { page: { path: pick(['/pricing', '/', '/pricing/enterprise']) }, ip: pick(['1.1.1.1', '8.8.8.8']), traits: { plan: 'pro' } };
  return JSON.parse(JSON.stringify(e));
}

const events = Array.from({ length: 40 }, event);
const cases = [];
const seen = new Set();
while (cases.length < count) {
  const fql = trigger();
  if (seen.has(fql)) continue;
  seen.add(fql);
  const ast = parseFql(fql);
  const results = events.map((e) => {
    try {
      return validate(ast, e);
    } catch {
      return 'throw';
    }
  });
  cases.push({ fql, ast: sortedAst(ast), results });
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ events, cases }));
const parsed = cases.filter((c) => !c.ast?.error).length;
console.log(`differential: ${cases.length} triggers (${parsed} parse) x ${events.length} events -> ${out}`);
