// Writes tests/vectors/fql-parse.json and tests/vectors/fql-validate.json: the inputs of
// @segment/destination-subscriptions' own FQL test suites (its parse and validate tests, as data),
// with the outputs of the installed package (3.37.0) as the expected results, which `cargo test`
// checks the Rust FQL module against (src/actions/fql/tests.rs). Where the suite's own expectation
// differs from what the package does, the case carries it as `suite` and the package wins: it is
// what Segment's browser runtime runs.
//   node tests/actions/fql-vectors.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseFql, validate } = require('@segment/destination-subscriptions');
const root = new URL('../..', import.meta.url).pathname;

/** An AST as JSON with its keys sorted, errors as { error: true }: the form the Rust side writes. */
export function sortedAst(ast) {
  if (ast === undefined || ast === null) return null;
  if (ast.error) return { error: true };
  const out = {};
  for (const key of Object.keys(ast).sort()) {
    const v = ast[key];
    out[key] = key === 'children' ? v.map(sortedAst) : typeof v === 'number' && !Number.isFinite(v) ? null : v;
  }
  return out;
}

// The parse suite's triggers (its fql.test.ts), in its order.
const PARSE = [
  'typo',
  'type',
  'type * "32456"',
  '',
  'type = ',
  'type = "track"',
  'type = "track" or type = "identify"',
  'event = "Product Added"',
  'userId != null',
  'name = "Home"',
  'event = "Product Added" or event = "Order Completed"',
  'type = "track" and event = "Product Added"',
  'type = "track" and (event = "Product Added" or event = "Order Completed")',
  'event = "Product Added" and properties.price >= 100',
  'event = "identify" and traits.logins >= 10',
  'event = "Product Added" and properties.price >= 100 and properties.premium = "true"',
  'event = "identify" and traits.logins >= 10 and traits.plan = "premium"',
  '(event = "Product Added" and properties.price >= 100) or (event = "Order Completed" and properties.total >= 500)',
  '(event = "identify" and traits.logins >= 100) or (event = "Signed Up" and traits.age >= 50)',
  'contains(event, "Nike")',
  'event = "Product Added" and contains(properties.name, "Nike")',
  'event = "Product Added" and contains(traits.name, "Nike")',
  '!contains(event, "Nike")',
  'event = "Product Added" and !contains(properties.name, "Nike")',
  'event = "Product Added" and !contains(traits.name, "Nike")',
  'match(event, "X*")',
  'event = "Product Added" and match(properties.name, "X*")',
  'event = "Product Added" and match(traits.name, "X*")',
  '!match(event, "X*")',
  'event = "Product Added" and !match(properties.name, "X*")',
  'event = "Product Added" and !match(traits.name, "X*")',
  'match(event, "*X")',
  'event = "Product Added" and match(properties.name, "*X")',
  'event = "Product Added" and match(traits.name, "*X")',
  '!match(event, "*X")',
  'event = "Product Added" and !match(properties.name, "*X")',
  'event = "Product Added" and !match(traits.name, "*X")',
  'event = "Product Added" and properties.name != null',
  'event = "Product Added" and traits.name != null',
  'event = "Product Added" and properties.name = null',
  'event = "Product Added" and traits.name = null',
];

// The validate suite (its validate.test.ts): [test, ast, [[event, the suite's expectation], …]].
const group = (operator, ...children) => ({ type: 'group', operator, children });
const prop = (operator, value, name = 'value') => (value === undefined ? { type: 'event-property', name, operator } : { type: 'event-property', name, operator, value });
const ofValue = (value) => ({ properties: { value } });
const VALIDATE = [
  ['should handle error in ast', { error: true }, [[{ properties: { value: 'x' } }, false]]],
  ['should handle empty event', group('and', prop('=', 'x')), [[{}, false]]],
  ['equals (boolean true)', group('and', prop('is_true')), [[ofValue(true), true], [ofValue(false), false]]],
  ['equals (boolean false)', group('and', prop('is_false')), [[ofValue(false), true], [ofValue(true), false]]],
  ['equals (strings)', group('and', prop('=', 'x')), [[ofValue('x'), true], [ofValue('y'), false]]],
  ...['123', 123].map((v) => [`equals (numbers, ${typeof v})`, group('and', prop('=', v)), [[ofValue(123), true], [ofValue('123'), true], [ofValue(0), false]]]),
  ['not equals (strings)', group('and', prop('!=', 'x')), [[ofValue('x'), false], [ofValue('y'), true]]],
  ...['123', 123].map((v) => [`not equals (numbers, ${typeof v})`, group('and', prop('!=', v)), [[ofValue(123), false], [ofValue('123'), false], [ofValue(456), true], [ofValue('456'), true]]]),
  ...['10', 10].map((v) => [`less than (${typeof v})`, group('and', prop('<', v)), [[ofValue(5), true], [ofValue('5'), true], [ofValue(10), false], [ofValue('10'), false]]]),
  ...['10', 10].map((v) => [`less than or equal (${typeof v})`, group('and', prop('<=', v)), [[ofValue(5), true], [ofValue('5'), true], [ofValue(10), true], [ofValue('10'), true], [ofValue(11), false], [ofValue('11'), false]]]),
  ...['10', 10].map((v) => [`greater than (${typeof v})`, group('and', prop('>', v)), [[ofValue(11), true], [ofValue('11'), true], [ofValue(10), false], [ofValue('10'), false], [ofValue(5), false], [ofValue('5'), false]]]),
  ...['10', 10].map((v) => [`greater than or equal (${typeof v})`, group('and', prop('>=', v)), [[ofValue(11), true], [ofValue('11'), true], [ofValue(10), true], [ofValue('10'), true], [ofValue(5), false], [ofValue('5'), false]]]),
  ['contains', group('and', prop('contains', 'b')), [[ofValue('abc'), true], [ofValue('xyz'), false]]],
  ['not contains', group('and', prop('not_contains', 'b')), [[ofValue('abc'), false], [ofValue('xyz'), true]]],
  ['starts with', group('and', prop('starts_with', 'x')), [[ofValue('xabc'), true], [ofValue('abc'), false]]],
  ['not starts with', group('and', prop('not_starts_with', 'x')), [[ofValue('xabc'), false], [ofValue('abc'), true]]],
  ['ends with', group('and', prop('ends_with', 'x')), [[ofValue('abcx'), true], [ofValue('abc'), false]]],
  ['not ends with', group('and', prop('not_ends_with', 'x')), [[ofValue('abcx'), false], [ofValue('abc'), true]]],
  ['exists', group('and', prop('exists')), [[ofValue('abcx'), true], [{ properties: {} }, false], [ofValue(null), false]]],
  ['not exists', group('and', prop('not_exists')), [[ofValue('abcx'), false], [{ properties: {} }, true], [ofValue(null), true]]],
  ['event type = "track"', group('and', { type: 'event-type', operator: '=', value: 'track' }), [[{ type: 'track' }, true], [{ type: 'identify' }, false]]],
  ['event type = "track" or "identify"', group('or', { type: 'event-type', operator: '=', value: 'track' }, { type: 'event-type', operator: '=', value: 'identify' }), [[{ type: 'track' }, true], [{ type: 'identify' }, true], [{ type: 'group' }, false]]],
  ['event type = not "group"', group('or', { type: 'event-type', operator: '!=', value: 'group' }), [[{ type: 'track' }, true], [{ type: 'identify' }, true], [{ type: 'group' }, false]]],
  ['event = "Page Viewed"', group('or', { type: 'event', operator: '=', value: 'Page Viewed' }), [[{ event: 'Page Viewed' }, true], [{ event: 'Product Added' }, false]]],
  ['event = "Page Viewed" or "Product Viewed"', group('or', { type: 'event', operator: '=', value: 'Page Viewed' }, { type: 'event', operator: '=', value: 'Product Viewed' }), [[{ event: 'Page Viewed' }, true], [{ event: 'Product Viewed' }, true], [{ event: 'Product Added' }, false]]],
  ['event = "Page Viewed" or event type = "track"', group('or', { type: 'event', operator: '=', value: 'Page Viewed' }, { type: 'event-type', operator: '=', value: 'track' }), [[{ event: 'Page Viewed' }, true], [{ type: 'track' }, true], [{ event: 'Product Added' }, false]]],
  ['event = "Page Viewed" and event type = "track"', group('and', { type: 'event', operator: '=', value: 'Page Viewed' }, { type: 'event-type', operator: '=', value: 'track' }), [[{ event: 'Page Viewed' }, false], [{ type: 'track' }, false], [{ event: 'Page Viewed', type: 'track' }, true]]],
  ['event = "Page Viewed" and property "name" = "Catalog"', group('and', { type: 'event', operator: '=', value: 'Page Viewed' }, prop('=', 'Catalog', 'name')), [[{ event: 'Page Viewed', properties: { name: 'Catalog' } }, true], [{ event: 'Page Viewed' }, false], [{ event: 'Page Viewed', properties: { name: 'Other' } }, false]]],
  ['event = "Page Viewed" and property "name" = "Catalog" or "Home"', group('and', { type: 'event', operator: '=', value: 'Page Viewed' }, group('or', prop('=', 'Catalog', 'name'), prop('=', 'Home', 'name'))), [[{ event: 'Page Viewed', properties: { name: 'Catalog' } }, true], [{ event: 'Page Viewed', properties: { name: 'Home' } }, true], [{ event: 'Page Viewed', properties: { name: 'Other' } }, false]]],
  ['event = "Page Viewed" and context "ip" = "1.1.1.1"', group('and', { type: 'event', operator: '=', value: 'Page Viewed' }, { type: 'event-context', name: 'ip', operator: '=', value: '1.1.1.1' }), [[{ event: 'Page Viewed', context: { ip: '1.1.1.1' } }, true], [{ event: 'Page Viewed' }, false], [{ event: 'Page Viewed', context: { ip: '8.8.8.8' } }, false]]],
  ['event = "Page Viewed" and context "ip" = "1.1.1.1" or property "ip" = "2.2.2.2"', group('and', { type: 'event', operator: '=', value: 'Page Viewed' }, group('or', { type: 'event-context', name: 'ip', operator: '=', value: '1.1.1.1' }, prop('=', '2.2.2.2', 'ip'))), [[{ event: 'Page Viewed', context: { ip: '1.1.1.1' } }, true], [{ event: 'Page Viewed', context: { ip: '2.2.2.2' } }, false], [{ event: 'Page Viewed' }, false], [{ event: 'Page Viewed', context: { ip: '8.8.8.8' } }, false]]],
  ['type = "track" and (event = "Page Viewed" or event = "Order Completed")', group('and', { type: 'event-type', operator: '=', value: 'track' }, group('or', { type: 'event', operator: '=', value: 'Page Viewed' }, { type: 'event', operator: '=', value: 'Order Completed' })), [[{ type: 'track', event: 'Page Viewed' }, true]]],
];

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const parse = PARSE.map((fql) => ({ fql, ast: sortedAst(parseFql(fql)) }));
  const validateCases = [];
  let differs = 0;
  for (const [name, ast, cases] of VALIDATE) {
    for (const [event, suite] of cases) {
      const expected = validate(ast.error ? { error: new Error('x') } : ast, event);
      const entry = { name, ast: sortedAst(ast), event, expected };
      if (expected !== suite) {
        entry.suite = suite;
        differs += 1;
      }
      validateCases.push(entry);
    }
  }
  writeFileSync(`${root}tests/vectors/fql-parse.json`, JSON.stringify(parse, null, 1) + '\n');
  writeFileSync(`${root}tests/vectors/fql-validate.json`, JSON.stringify(validateCases, null, 1) + '\n');
  console.log(`fql-vectors: ${parse.length} parse and ${validateCases.length} validate vectors (${differs} where the suite's expectation is not what 3.37.0 does)`);
}
