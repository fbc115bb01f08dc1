// Hostile input (README, Guarantees): the plugin's event methods take whatever a page hands them (through the
// public plugin API, and through analytics-next) and never throw, always give `ctx` back, push only
// well-formed commands onto `_hsq` (property names as HubSpot takes them), never pollute a
// prototype, warn at most once per kind of problem per call, and stay usable: the very next
// well-formed call is delivered.
//
// The plugin holds its calls until HubSpot's tracker runs (HubSpot's sign: `_hsq.push` is no
// longer the array's own), so the plugin-API probe gives it a stand-in tracker: an `_hsq` whose
// push is its own and records what it is given, which the plugin feeds directly.
//
// The hostile values are built inside the page (Proxies, BigInts, cycles cannot cross the
// Playwright boundary); each case is run through every event method of several plugin configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const BLANK = '/tests/e2e/fixtures/blank.html';
const PORTAL = '62515';
let tried = 0;

/**
 * Page side: imports the package (no bundler), and defines `window.probe`, which runs one hostile
 * case through a plugin and reports every broken promise it sees. Passed to page.evaluate as source.
 */
async function installProbe() {
  const pkg = await import('/pkg/hubspot_wasm.js');
  await pkg.default();

  const KNOWN = new Set(['identify', 'setPath', 'trackPageView', 'trackEvent', 'trackCustomBehavioralEvent', 'doNotTrack']);
  // HubSpot's rule for property names (identify traits, event properties).
  const PROPERTY_NAME = /^[a-z][a-z0-9_]{0,49}$/;
  const named = (object) => Object.keys(object).every((key) => PROPERTY_NAME.test(key));
  const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
  const PROTOTYPES = [
    Object.prototype,
    Array.prototype,
    Function.prototype,
    String.prototype,
    Number.prototype,
    Boolean.prototype,
    Symbol.prototype,
    Date.prototype,
    RegExp.prototype,
    Error.prototype,
    Promise.prototype,
  ];
  const protoShape = () => JSON.stringify(PROTOTYPES.map((p) => Reflect.ownKeys(p).map(String)));
  const baseline = protoShape();
  const polluted = () => {
    const found = [];
    if (protoShape() !== baseline) found.push('a built-in prototype gained or lost a key');
    for (const key of ['polluted', 'isAdmin', 'x']) {
      if ({}[key] !== undefined || [][key] !== undefined) found.push(`({}).${key} is defined`);
    }
    if (Object.getPrototypeOf({}) !== Object.prototype) found.push('{} has a new prototype');
    return found;
  };

  // Every console.warn of the page: its first argument is the kind of problem (the original still prints).
  const warnings = [];
  const originalWarn = console.warn;
  console.warn = function (...args) {
    warnings.push(typeof args[0] === 'string' ? args[0] : '(not a string)');
    return originalWarn.apply(this, args);
  };

  /** What is wrong with one pushed command (empty when it is well-formed). */
  function commandProblems(command) {
    const out = [];
    const plain = (v, at) => {
      if (v === null) return out.push(`${at}: null`);
      switch (typeof v) {
        case 'boolean':
          return;
        case 'number':
          if (!Number.isFinite(v)) out.push(`${at}: non-finite number`);
          return;
        case 'string':
          if (!v.isWellFormed()) out.push(`${at}: lone surrogate`);
          return;
        case 'object':
          break;
        default:
          return out.push(`${at}: a ${typeof v}`);
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== Array.prototype) return out.push(`${at}: prototype is not Object/Array`);
      for (const key of Reflect.ownKeys(v)) {
        if (typeof key === 'symbol') {
          out.push(`${at}: symbol key`);
          continue;
        }
        if (Array.isArray(v) && key === 'length') continue;
        if (FORBIDDEN.has(key)) out.push(`${at}: forbidden key ${key}`);
        if (!key.isWellFormed()) out.push(`${at}: key with a lone surrogate`);
        const d = Object.getOwnPropertyDescriptor(v, key);
        if (!('value' in d)) {
          out.push(`${at}.${key}: accessor`);
          continue;
        }
        plain(d.value, `${at}.${key.slice(0, 40)}`);
      }
    };
    if (!Array.isArray(command)) return [`not an array: ${typeof command}`];
    if (!KNOWN.has(command[0])) return [`unknown command ${String(command[0]).slice(0, 40)}`];
    plain(command, command[0]);
    const [name, arg] = command;
    const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
    const shapes = {
      identify: () =>
        command.length === 2 &&
        isObject(arg) &&
        typeof arg.email === 'string' &&
        arg.email !== '' &&
        Object.values(arg).every((v) => v === null || typeof v !== 'object') &&
        named(arg),
      setPath: () => command.length === 2 && typeof arg === 'string' && arg !== '',
      trackPageView: () => command.length === 1,
      trackEvent: () => command.length === 2 && isObject(arg) && typeof arg.id === 'string' && arg.id.trim() !== '',
      trackCustomBehavioralEvent: () =>
        command.length === 2 &&
        isObject(arg) &&
        /^pe\d+_[a-z0-9_]*$/.test(arg.name) &&
        isObject(arg.properties) &&
        Object.keys(arg.properties).length <= 50 &&
        named(arg.properties),
      doNotTrack: () => command.length === 1 || (command.length === 2 && isObject(arg)),
    };
    if (!shapes[name]()) out.push(`${name}: wrong shape`);
    try {
      const text = JSON.stringify(command);
      if (JSON.stringify(JSON.parse(text)) !== text) out.push(`${name}: JSON does not round-trip`);
    } catch (e) {
      out.push(`${name}: not JSON-serialisable (${e})`);
    }
    return out;
  }

  /** A stand-in for HubSpot's running tracker: an array whose push is its own, recording. */
  const standIn = () =>
    Object.defineProperty([], 'push', {
      value(...entries) {
        return Array.prototype.push.apply(this, entries);
      },
      writable: true,
      configurable: true,
    });
  window._hsq = standIn();

  let followUps = 0;
  window.probe = {
    standIn,
    pkg,
    plugins: {},
    cases: {},
    warnings,
    commandProblems,
    polluted,
    /**
     * Creates and loads a named plugin: calls wait for load(), which analytics-next always makes.
     * HubSpot's script is held, never served, here: `_hsq` is a stand-in tracker, so the plugin
     * hands its commands straight to it.
     */
    plugin(name, settings) {
      this.plugins[name] = pkg.hubspotPlugin(settings);
      this.plugins[name].load(null);
    },
    /**
     * Runs case `caseName` through `method` of plugin `pluginName`, then a well-formed track.
     * Returns the list of broken promises (empty when all held).
     */
    run(pluginName, caseName, method) {
      const plugin = this.plugins[pluginName];
      const failures = [];
      window._hsq = standIn();
      warnings.length = 0;
      let ctx;
      try {
        ctx = this.cases[caseName](method);
      } catch (e) {
        return [`the case itself failed to build: ${e}`];
      }
      let returned;
      try {
        returned = plugin[method](ctx);
      } catch (e) {
        failures.push(`threw: ${e}`);
      }
      if (returned !== ctx && !(returned instanceof Promise)) failures.push('did not return the same ctx');
      const pushed = window._hsq.slice();
      pushed.forEach((c, i) => commandProblems(c).forEach((p) => failures.push(`_hsq[${i}] ${p}`)));
      failures.push(...polluted());
      const seen = new Set();
      for (const w of warnings) {
        if (seen.has(w)) failures.push(`warned twice: ${w.slice(0, 120)}`);
        seen.add(w);
      }
      // The next well-formed call must work.
      const n = ++followUps;
      window._hsq = standIn();
      const name = `Well Formed ${n}`;
      try {
        const ok = { event: { type: 'track', event: name, properties: { n } } };
        if (plugin.track(ok) !== ok) failures.push('the next well-formed call did not return its ctx');
      } catch (e) {
        failures.push(`the next well-formed call threw: ${e}`);
      }
      const last = window._hsq.at(-1);
      const expected = plugin.custom
        ? JSON.stringify(['trackCustomBehavioralEvent', { name: `pe62515_well_formed_${n}`, properties: { n } }])
        : JSON.stringify(['trackEvent', { n, id: name }]);
      if (JSON.stringify(last) !== expected) failures.push(`the next well-formed call pushed ${JSON.stringify(window._hsq).slice(0, 200)}`);
      if (window._hsq.length > 2 || (window._hsq.length === 2 && window._hsq[0][0] !== 'identify')) {
        failures.push(`the next well-formed call pushed extra commands: ${JSON.stringify(window._hsq).slice(0, 200)}`);
      }
      window._hsq.forEach((c) => commandProblems(c).forEach((p) => failures.push(`follow-up ${p}`)));
      return failures;
    },
  };
}

/**
 * Page side: the hostile cases. Each builds a fresh ctx for an event method; most put one hostile
 * value everywhere a page's data goes (traits, properties, context.traits), next to an email so
 * that identify commands are pushed too.
 */
function defineCases() {
  const MB = 1 << 20;
  const cases = {};
  const event = (method, payload, extra = {}) => ({
    event: {
      type: method,
      event: 'Hostile Event',
      userId: 'hostile@example.com',
      anonymousId: 'anon-1',
      traits: payload,
      properties: payload,
      context: { traits: payload },
      ...extra,
    },
  });
  const payload = (name, make) => {
    cases[`payload: ${name}`] = (method) => event(method, make());
  };
  const ctxCase = (name, make) => {
    cases[`ctx: ${name}`] = make;
  };
  const eventCase = (name, make) => {
    cases[`event: ${name}`] = (method) => ({ event: make(method) });
  };

  // --- ctx and event themselves ------------------------------------------------------------------
  ctxCase('null', () => null);
  ctxCase('undefined', () => undefined);
  ctxCase('a number', () => 42);
  ctxCase('a string', () => 'ctx');
  ctxCase('an empty object', () => ({}));
  ctxCase('event getter throws', () =>
    Object.defineProperty({}, 'event', {
      get() {
        throw new Error('ctx.event boom');
      },
    }),
  );
  ctxCase(
    'Proxy with every trap throwing',
    () =>
      new Proxy(
        {},
        new Proxy(
          {},
          {
            get() {
              return () => {
                throw new Error('trap');
              };
            },
          },
        ),
      ),
  );
  ctxCase('revoked Proxy', () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  });
  ctxCase('deep-frozen', () => {
    const ctx = event('track', { email: 'frozen@example.com', plan: { name: 'pro' } });
    const freeze = (o) => {
      Object.freeze(o);
      Object.values(o).forEach((v) => v && typeof v === 'object' && freeze(v));
      return o;
    };
    return freeze(ctx);
  });
  for (const [name, value] of [
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'event'],
    ['true', true],
    ['an empty array', []],
    ['an array of objects', [{ type: 'track', event: 'x' }]],
    ['a function', () => {}],
    ['a symbol', Symbol('event')],
    ['a BigInt', 10n],
  ]) {
    eventCase(name, () => value);
  }
  eventCase('a revoked Proxy', () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  });
  eventCase(
    'a Proxy with every trap throwing',
    () =>
      new Proxy(
        {},
        new Proxy(
          {},
          {
            get() {
              return () => {
                throw new Error('trap');
              };
            },
          },
        ),
      ),
  );
  eventCase('a Proxy over a valid event', (method) => new Proxy(event(method, { email: 'proxy@example.com' }).event, {}));
  eventCase('with a toJSON that throws', (method) => ({
    ...event(method, { email: 'a@example.com' }).event,
    toJSON() {
      throw new Error('toJSON');
    },
  }));
  eventCase('with a toJSON returning garbage', () => ({
    toJSON() {
      return [1, 'two', null];
    },
  }));
  eventCase('type getter throws', (method) =>
    Object.defineProperty(event(method, { email: 'a@example.com' }).event, 'type', {
      enumerable: true,
      get() {
        throw new Error('type');
      },
    }),
  );

  // --- non-objects where objects belong --------------------------------------------------------
  for (const [name, value] of [
    ['null', null],
    ['undefined', undefined],
    ['an empty array', []],
    ['an array of scalars', [1, 'two', true]],
    ['an array holding an email object', [{ email: 'in-array@example.com' }]],
    ['a string', 'traits'],
    ['a number', 7],
    ['true', true],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a function', function traits() {}],
    ['a symbol', Symbol('t')],
    ['a BigInt', 123n],
    ['a Date', new Date(0)],
    ['a RegExp', /x/g],
    ['a Map', new Map([['email', 'map@example.com']])],
    ['a Set', new Set([1])],
    ['a boxed string', new String('boxed')],
    ['an Error', new Error('oops')],
    ['a Promise', Promise.resolve(1)],
    ['a DOM element', document.body],
    ['an ArrayBuffer', new ArrayBuffer(8)],
  ]) {
    payload(name, () => value);
  }
  payload('company and address of the wrong types', () => ({
    email: 'types@example.com',
    company: ['Initech', 'Initrode'],
    address: 'not an object',
    firstName: { first: 'x' },
    lastName: [1, 2],
  }));
  payload('company and address holding hostile values', () => ({
    email: 'types@example.com',
    company: { name: { deep: { deeper: 1n } } },
    address: { street: null, city: 10n, postalCode: Symbol('z'), zip: NaN },
  }));

  // --- cycles ------------------------------------------------------------------------------------
  payload('an object containing itself', () => {
    const o = { email: 'cycle@example.com', name: 'Ada' };
    o.self = o;
    return o;
  });
  payload('a cycle three levels down', () => {
    const o = { email: 'cycle@example.com', a: { b: { c: {} } } };
    o.a.b.c.back = o;
    return o;
  });
  payload('an array containing itself', () => {
    const tags = ['a'];
    tags.push(tags);
    return { email: 'cycle@example.com', tags };
  });
  payload('two objects referring to each other', () => {
    const x = { email: 'cycle@example.com' };
    const y = { x };
    x.y = y;
    return x;
  });
  payload('a shared (non-cyclic) object used twice beside a cycle', () => {
    const shared = { plan: 'pro' };
    const o = { email: 'cycle@example.com', a: shared, b: shared };
    o.o = o;
    return o;
  });

  // --- throwing getters and toJSON -----------------------------------------------------------------
  payload('a getter that throws an Error', () =>
    Object.defineProperty({ email: 'getter@example.com' }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    }),
  );
  payload('a getter that throws undefined', () =>
    Object.defineProperty({ email: 'getter@example.com' }, 'boom', {
      enumerable: true,
      get() {
        throw undefined;
      },
    }),
  );
  payload('a getter that throws a Proxy that throws', () =>
    Object.defineProperty({ email: 'getter@example.com' }, 'boom', {
      enumerable: true,
      get() {
        throw new Proxy(
          {},
          {
            get() {
              throw new Error('again');
            },
          },
        );
      },
    }),
  );
  payload('the email itself is a throwing getter', () =>
    Object.defineProperty({ name: 'Ada' }, 'email', {
      enumerable: true,
      get() {
        throw new Error('email');
      },
    }),
  );
  payload('a nested toJSON that throws', () => ({
    email: 'tojson@example.com',
    nested: {
      toJSON() {
        throw new Error('toJSON');
      },
    },
  }));
  payload('a toJSON that returns a cycle', () => ({
    email: 'tojson@example.com',
    nested: {
      toJSON() {
        const c = {};
        c.c = c;
        return c;
      },
    },
  }));
  payload('an array index getter that throws', () => {
    const tags = [1, 2, 3];
    Object.defineProperty(tags, 1, {
      enumerable: true,
      get() {
        throw new Error('index');
      },
    });
    return { email: 'getter@example.com', tags };
  });

  // --- Proxies -------------------------------------------------------------------------------------
  payload('a transparent Proxy', () => new Proxy({ email: 'proxy@example.com', plan: 'pro' }, {}));
  payload(
    'a Proxy whose every trap throws',
    () =>
      new Proxy(
        { email: 'proxy@example.com' },
        new Proxy(
          {},
          {
            get() {
              return () => {
                throw new Error('trap');
              };
            },
          },
        ),
      ),
  );
  payload(
    'a Proxy whose get trap throws',
    () =>
      new Proxy(
        { email: 'proxy@example.com', a: 1 },
        {
          get() {
            throw new Error('get');
          },
        },
      ),
  );
  payload(
    'a Proxy whose ownKeys trap throws',
    () =>
      new Proxy(
        { email: 'proxy@example.com' },
        {
          ownKeys() {
            throw new Error('ownKeys');
          },
        },
      ),
  );
  payload('a revoked Proxy', () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  });
  payload('a revoked Proxy nested', () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return { email: 'proxy@example.com', inner: r.proxy, list: [r.proxy] };
  });
  payload('a Proxy that makes fresh objects forever', () => {
    const endless = () =>
      new Proxy(
        {},
        {
          ownKeys: () => ['next'],
          getOwnPropertyDescriptor: () => ({ value: undefined, enumerable: true, configurable: true }),
          get: (_, key) => (key === 'next' ? endless() : undefined),
        },
      );
    return { email: 'proxy@example.com', endless: endless() };
  });
  payload('a Proxy over an array', () => ({ email: 'proxy@example.com', tags: new Proxy(['a', 'b'], {}) }));
  payload(
    'a Proxy that lies about its keys',
    () =>
      new Proxy(
        {},
        {
          ownKeys: () => ['email', 'ghost'],
          getOwnPropertyDescriptor: (_, k) => ({ value: k, enumerable: true, configurable: true }),
          get: (_, k) =>
            k === 'email'
              ? 'liar@example.com'
              : k === 'ghost'
                ? {
                    toJSON() {
                      throw new Error('ghost');
                    },
                  }
                : undefined,
        },
      ),
  );

  // --- prototype-shaped keys -----------------------------------------------------------------------
  const POLLUTE = '{"polluted":"yes","isAdmin":true}';
  payload('__proto__/constructor/prototype keys made by JSON.parse', () =>
    JSON.parse(`{"email":"proto@example.com","__proto__":${POLLUTE},"constructor":{"prototype":${POLLUTE}},"prototype":${POLLUTE}}`),
  );
  payload('__proto__ keys nested and in arrays (JSON.parse)', () =>
    JSON.parse(
      `{"email":"proto@example.com","a":{"__proto__":${POLLUTE},"b":{"constructor":{"prototype":${POLLUTE}}}},"list":[{"__proto__":${POLLUTE}}]}`,
    ),
  );
  payload('__proto__/constructor/prototype keys made by defineProperty', () => {
    const o = { email: 'proto@example.com' };
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      Object.defineProperty(o, key, { value: JSON.parse(POLLUTE), enumerable: true, configurable: true, writable: true });
    }
    return o;
  });
  payload('case and spacing variants of the prototype keys', () =>
    JSON.parse(
      `{"email":"proto@example.com","__PROTO__":${POLLUTE},"Constructor":${POLLUTE},"PROTOTYPE":1,"__Proto__":{"polluted":1},"proto.type":1}`,
    ),
  );
  payload('a prototype key that normalises to __proto__', () =>
    JSON.parse('{"email":"proto@example.com","__proto__.x":1,"__PROTO__":{"__proto__":{"polluted":1}}}'),
  );
  payload('an object with a null prototype', () => Object.assign(Object.create(null), { email: 'null-proto@example.com', __proto__: 'x' }));
  payload('an object with enumerable inherited keys', () =>
    Object.assign(Object.create({ inherited: 'x', polluted: 'yes' }), { email: 'inherit@example.com' }),
  );
  cases['event: __proto__ keys at the top of the event (JSON.parse)'] = (method) => ({
    event: JSON.parse(
      `{"type":"${method}","event":"Proto","userId":"p@example.com","__proto__":{"polluted":1},"traits":{"__proto__":{"polluted":1}},"properties":{"constructor":{"prototype":{"polluted":1}}}}`,
    ),
  });

  // --- size --------------------------------------------------------------------------------------------
  payload('a 1 MB string value', () => ({ email: 'big@example.com', big: 'x'.repeat(MB) }));
  payload('a 1 MB key', () => ({ email: 'big@example.com', ['k'.repeat(MB)]: 1 }));
  payload('a 1 MB string of whitespace and zero-width characters', () => ({
    email: 'big@example.com',
    blank: ' \u200b\ufeff'.repeat(MB / 3),
  }));
  payload('a 1 MB string of multi-byte characters', () => ({ email: 'big@example.com', euros: '€😀'.repeat(MB / 3) }));
  payload('a 1 MB email', () => ({ email: `${'a'.repeat(MB)}@example.com` }));
  payload('a 1 MB array of strings', () => ({
    email: 'big@example.com',
    tags: Array.from({ length: 1024 }, (_, i) => `${i}`.padEnd(1024, 't')),
  }));
  payload('10,000 keys', () =>
    Object.fromEntries([['email', 'many@example.com'], ...Array.from({ length: 10_000 }, (_, i) => [`Key ${i}`, i])]),
  );
  payload('10,000 keys and no email (the email comes from userId)', () =>
    Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
  );
  payload('10,000 keys and an id', () =>
    Object.fromEntries([['id', 'trait-id'], ['email', 'many@example.com'], ...Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])]),
  );
  payload('10,000 keys holding objects', () =>
    Object.fromEntries([['email', 'many@example.com'], ...Array.from({ length: 10_000 }, (_, i) => [`k${i}`, { v: i, w: [i] }])]),
  );
  payload('10,000 keys that differ only in case', () => {
    const o = { email: 'many@example.com' };
    for (let i = 0; i < 10_000; i++) o[i.toString(2).replace(/0/g, 'a').replace(/1/g, 'A')] = i;
    return o;
  });
  payload('a 10,000-element array', () => ({ email: 'many@example.com', tags: Array.from({ length: 10_000 }, (_, i) => i) }));
  payload('a sparse array of length 1,000,000', () => ({ email: 'many@example.com', tags: new Array(1_000_000) }));
  payload('a 100,000-element typed array', () => ({ email: 'many@example.com', bytes: new Uint8Array(100_000) }));
  const nest = (depth, make) => {
    let v = 'bottom';
    for (let i = 0; i < depth; i++) v = make(v);
    return v;
  };
  payload('1,000-deep objects', () => ({ email: 'deep@example.com', deep: nest(1000, (v) => ({ v })) }));
  payload('1,000-deep arrays', () => ({ email: 'deep@example.com', deep: nest(1000, (v) => [v]) }));
  payload('100,000-deep objects', () => ({ email: 'deep@example.com', deep: nest(100_000, (v) => ({ v })) }));
  payload('100,000-deep arrays', () => ({ email: 'deep@example.com', deep: nest(100_000, (v) => [v]) }));
  payload('1,000-deep objects beside a BigInt (the careful-copy path)', () => ({
    email: 'deep@example.com',
    n: 1n,
    deep: nest(1000, (v) => ({ v })),
  }));
  payload('1,000-deep traits themselves', () => nest(1000, (v) => ({ email: 'deep@example.com', v })));

  // Shared references: 2^40 paths through 41 objects. JSON.stringify alone would exhaust memory; a
  // BigInt or a cycle at the first leaf makes it throw at once, and the careful copy must stay bounded.
  const dag = (leaf) => {
    let o = leaf;
    for (let i = 0; i < 40; i++) o = { a: o, b: o };
    return o;
  };
  payload('2^40 paths of shared references, beside a BigInt', () => ({ email: 'dag@example.com', graph: dag({ n: 1n, plan: 'pro' }) }));
  payload('2^40 paths of shared references, ending in a cycle', () => {
    const leaf = {};
    const o = { email: 'dag@example.com', graph: dag(leaf) };
    leaf.back = o;
    return o;
  });
  payload('the window object', () => ({ email: 'window@example.com', w: window }));

  // --- values JSON cannot hold -------------------------------------------------------------------------
  payload('BigInts', () => ({ email: 'bigint@example.com', n: 10n, huge: 2n ** 512n, negative: -5n, list: [1n, 2n], nested: { n: 3n } }));
  payload('symbols as values and keys', () => ({
    email: 'symbol@example.com',
    s: Symbol('v'),
    [Symbol('k')]: 'hidden',
    list: [Symbol('x')],
  }));
  payload('invalid dates', () => ({
    email: 'date@example.com',
    when: new Date(NaN),
    list: [new Date('not a date')],
    nested: { d: new Date(8.64e15 + 1) },
  }));
  payload('a Date whose toISOString throws', () => {
    const d = new Date(0);
    d.toISOString = () => {
      throw new Error('iso');
    };
    return { email: 'date@example.com', d };
  });
  payload('a Date whose toISOString throws, beside a BigInt', () => {
    const d = new Date(0);
    d.toISOString = () => {
      throw new Error('iso');
    };
    return { email: 'date@example.com', d, n: 1n };
  });
  payload('date-like strings that are not dates', () => ({
    email: 'date@example.com',
    a: '2024-13-45T99:99:99Z',
    b: '2024-02-30',
    c: '+275760-09-13T00:00:00.001Z',
    d: '9999-12-31T23:59:60Z',
    e: '0000-00-00',
  }));
  payload('non-finite and extreme numbers', () => ({
    email: 'num@example.com',
    nan: NaN,
    inf: Infinity,
    ninf: -Infinity,
    nzero: -0,
    max: Number.MAX_VALUE,
    tiny: 5e-324,
    unsafe: 2 ** 53 + 2,
  }));
  payload('functions, undefined and boxed values', () => ({
    email: 'misc@example.com',
    f: () => 1,
    u: undefined,
    s: new String(' boxed '),
    n: new Number(3),
    b: new Boolean(false),
  }));

  // --- strings ---------------------------------------------------------------------------------------------
  payload('lone surrogates in values, keys and the email', () => ({
    email: 'lone\ud800@example.com',
    name: '\udc00',
    'key\ud83d': 'v\udfff',
    tags: ['\ud800', 'ok'],
    mixed: 'a\ud83d\ude00b\ud800',
  }));
  payload('control characters and NULs', () => ({
    email: 'ctl@example.com',
    '\u0000': '\u0000',
    name: '\u0007\u001b[31m',
    'a\nb': '\r\n',
  }));
  payload('markup and JSON-looking strings', () => ({
    email: 'markup@example.com',
    name: '</script><script>window.polluted=1</script>',
    json: '"},{"email":"evil@example.com',
  }));
  payload('empty, blank and separator-only keys', () => ({
    email: 'keys@example.com',
    '': 1,
    ' ': 2,
    '.': 3,
    '\t\n': 4,
    '...': { '': 5 },
  }));
  payload('keys that normalise onto the same name', () => ({
    email: 'keys@example.com',
    'First Name': 'a',
    first_name: 'b',
    'FIRST.NAME': 'c',
    firstName: 'd',
  }));

  // --- event names, ids and pages -------------------------------------------------------------------------
  const names = [
    ['a number', 42],
    ['zero', 0],
    ['NaN', NaN],
    ['null', null],
    ['undefined', undefined],
    ['true', true],
    ['an object', { name: 'x' }],
    ['an array', ['a']],
    ['a symbol', Symbol('e')],
    ['a BigInt', 99n],
    ['empty', ''],
    ['blank', ' \t\n'],
    ['zero-width only', '\u200b\ufeff'],
    ['1 MB', 'E'.repeat(MB)],
    ['a lone surrogate', '\ud800'],
    ['a function', () => 'x'],
    ['a Date', new Date(0)],
    ['pe-prefixed', 'pe123_already'],
    ['dots and spaces', ' A.b  C '],
    [
      'a Proxy that throws',
      new Proxy(
        {},
        {
          get() {
            throw new Error('name');
          },
        },
      ),
    ],
  ];
  for (const [name, value] of names) {
    cases[`event name: ${name}`] = (method) => event(method, { email: 'name@example.com' }, { event: value, name: value });
    cases[`userId: ${name}`] = (method) => event(method, { plan: 'pro' }, { userId: value });
    cases[`page path/search: ${name}`] = (method) =>
      event(method, { email: 'page@example.com' }, { properties: { path: value, search: value, url: value } });
  }
  cases['event and traits from another realm (iframe)'] = (method) => {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const FrameObject = frame.contentWindow.Object;
    const traits = new FrameObject();
    traits.email = 'realm@example.com';
    traits.nested = new frame.contentWindow.Array(1, 2);
    frame.remove();
    return event(method, traits);
  };

  window.probe.cases = cases;
  return Object.keys(cases);
}

const METHODS = ['identify', 'track', 'page', 'group', 'alias', 'screen'];
// (The tracker never starts here: no load timeout may warn in the middle of the cases.) 'classic'
// asks for HubSpot's legacy trackEvent explicitly now (custom behavioral events are the default),
// so that both ways of sending a track stay covered.
const CONFIGS = {
  classic: { portalId: PORTAL, customBehavioralEvents: false, loadTimeoutMs: 2147483647 },
  custom: {
    portalId: PORTAL,
    customBehavioralEvents: true,
    flushIdentifyImmediately: true,
    trackInitialPageView: true,
    loadTimeoutMs: 2147483647,
  },
};

async function openProbe() {
  const visit = await harness.open(BLANK, { tracker: 'hold' });
  await visit.page.evaluate(installProbe);
  const names = await visit.page.evaluate(defineCases);
  await visit.page.evaluate((configs) => {
    for (const [name, settings] of Object.entries(configs)) probe.plugin(name, settings);
    probe.plugins.custom.custom = true;
    return new Promise((ok) => setTimeout(ok, 0)); // the plugins take calls from now on
  }, CONFIGS);
  return { visit, names };
}

test('hostile input through the plugin API: no throw, ctx back, only well-formed commands, no pollution, still usable', {
  timeout: 120_000,
}, async () => {
  const { visit, names } = await openProbe();
  const failures = [];
  for (const config of Object.keys(CONFIGS)) {
    for (const name of names) {
      for (const method of METHODS) {
        const found = await visit.page.evaluate(([p, c, m]) => probe.run(p, c, m), [config, name, method]);
        tried++;
        for (const f of found) failures.push(`${config} ${method} [${name}]: ${f}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
  assert.deepEqual(visit.unexpectedRequests, []);
  console.log(
    `# hostile inputs tried through the plugin API: ${names.length} cases x ${METHODS.length} methods x ${Object.keys(CONFIGS).length} configs = ${tried}`,
  );
});

test("hostile input: the caller's objects are never modified", { timeout: 60_000 }, async () => {
  const { visit } = await openProbe();
  const changed = await visit.page.evaluate(() => {
    const out = [];
    const make = () =>
      JSON.parse(
        '{"email":" Ada@Example.com ","First Name":"Ada","company":{"name":"X","id":1},"address":{"street":"1 Main","postalCode":"1"},"__proto__":{"polluted":1},"tags":["a"," b "],"when":"2024-01-15T10:00:00Z","id":"sku","revenue":3,"plan":{"name":"pro"}}',
      );
    for (const method of ['identify', 'track', 'page']) {
      for (const plugin of Object.values(probe.plugins)) {
        const traits = make();
        const ctx = {
          event: { type: method, event: 'Unchanged', userId: 'u@example.com', traits, properties: traits, context: { traits } },
        };
        const before = JSON.stringify(ctx);
        const keys = Reflect.ownKeys(traits).join();
        plugin[method](ctx);
        if (JSON.stringify(ctx) !== before || Reflect.ownKeys(traits).join() !== keys) out.push(method);
      }
    }
    return out;
  });
  tried += 6;
  assert.deepEqual(changed, []);
});

// Both ways the plugin meets `_hsq`: with HubSpot's tracker running (commands pushed straight in)
// and before it runs (calls held, `_hsq.push` looked at on every call to see whether the tracker
// has started). A held plugin is made fresh for each state; afterwards a running tracker (the
// stand-in) appears and must receive the plugin's commands, well-formed, the next call last.
test('hostile page state: a broken or hostile _hsq never makes an event method throw', { timeout: 60_000 }, async () => {
  const { visit } = await openProbe();
  const results = await visit.page.evaluate(async (settings) => {
    const states = {
      'a string': () => 'not a queue',
      'a number': () => 42,
      null: () => null,
      'an object without push': () => ({}),
      'an object whose push throws': () => ({
        push() {
          throw new Error('push');
        },
      }),
      'a frozen array': () => Object.freeze([]),
      'a Proxy that throws': () =>
        new Proxy([], {
          get() {
            throw new Error('queue');
          },
        }),
      'a getter that throws': 'getter',
    };
    const out = {};
    for (const stage of ['running', 'held']) {
      for (const [name, make] of Object.entries(states)) {
        const failures = [];
        let plugin = probe.plugins.classic;
        if (stage === 'held') {
          window._hsq = []; // HubSpot's tracker has not run: the new plugin holds its calls
          plugin = probe.pkg.hubspotPlugin(settings);
          plugin.load(null);
          await new Promise((ok) => setTimeout(ok, 0)); // the plugin takes calls from now on
          if (plugin.isLoaded()) failures.push("the new plugin thinks HubSpot's tracker runs");
        }
        if (make === 'getter')
          Object.defineProperty(window, '_hsq', {
            configurable: true,
            get() {
              throw new Error('_hsq');
            },
          });
        else window._hsq = make();
        probe.warnings.length = 0;
        for (const method of ['identify', 'track', 'page', 'page']) {
          const ctx = { event: { type: method, event: 'Queue State', userId: 'q@example.com', traits: { email: 'q@example.com' } } };
          probe.warnings.length = 0;
          try {
            if (plugin[method](ctx) !== ctx) failures.push(`${method}: not the same ctx`);
          } catch (e) {
            failures.push(`${method} threw ${e}`);
          }
          // At most one warning per kind of problem per call, even when the call pushes two commands.
          if (new Set(probe.warnings).size !== probe.warnings.length) failures.push(`${method} warned ${JSON.stringify(probe.warnings)}`);
        }
        if (make === 'getter') delete window._hsq;
        // consent methods too
        for (const call of [() => plugin.doNotTrack(), () => plugin.revokeCookieConsent(), () => plugin.setConsent({ analytics: true })]) {
          try {
            call();
          } catch (e) {
            failures.push(`consent call threw ${e}`);
          }
        }
        window._hsq = probe.standIn();
        const ok = { event: { type: 'track', event: `After ${name}` } };
        plugin.track(ok);
        const pushed = window._hsq.slice();
        if (JSON.stringify(pushed.at(-1)) !== JSON.stringify(['trackEvent', { id: `After ${name}` }]))
          failures.push(`not usable afterwards: ${JSON.stringify(pushed)}`);
        pushed.forEach((c, i) => probe.commandProblems(c).forEach((p) => failures.push(`_hsq[${i}] ${p}`)));
        // Held calls are not lost to a broken queue: the tracker gets them when it runs. (A queue
        // whose push is a function of its own is HubSpot's sign of a running tracker: the plugin
        // hands its calls to it, and that one throws them away.)
        if (stage === 'held' && name !== 'an object whose push throws') {
          const names = pushed.map((c) => c[0]);
          const expected = ['identify', 'trackEvent', 'setPath', 'setPath', 'trackPageView', 'trackEvent'];
          if (JSON.stringify(names) !== JSON.stringify(expected)) failures.push(`held calls handed over as ${JSON.stringify(pushed)}`);
        }
        out[`${stage}: ${name}`] = failures;
      }
    }
    return out;
  }, CONFIGS.classic);
  tried += Object.keys(results).length * 6;
  for (const [state, failures] of Object.entries(results)) assert.deepEqual(failures, [], `_hsq as ${state}`);
  assert.deepEqual(visit.errors.map(String), []);
});

test('hostile input through analytics-next: HubSpot receives only well-formed commands, and the next call works', {
  timeout: 60_000,
}, async () => {
  const visit = await harness.open('/tests/e2e/fixtures/app.html');
  await visit.page.waitForFunction(() => window.fixture, null, { timeout: 10_000 });
  await visit.page.evaluate(
    (portalId) => fixture.start({ portalId }, { analyticsOptions: { integrations: { 'Segment.io': false } } }),
    PORTAL,
  );
  await visit.page.evaluate(() => fixture.loaded());
  const calls = await visit.page.evaluate(async () => {
    const MB = 1 << 20;
    const POLLUTE = '{"polluted":"yes"}';
    const nest = (depth) => {
      let v = 'bottom';
      for (let i = 0; i < depth; i++) v = { v };
      return v;
    };
    const payloads = {
      null: null,
      'an array': [1, 2],
      'a string': 'x',
      'a number': 5,
      undefined: undefined,
      'JSON.parse __proto__ keys': JSON.parse(
        `{"email":"proto@example.com","__proto__":${POLLUTE},"constructor":{"prototype":${POLLUTE}},"prototype":${POLLUTE}}`,
      ),
      'a 1 MB string': { email: 'big@example.com', big: 'x'.repeat(MB) },
      '10,000 keys': Object.fromEntries([['email', 'many@example.com'], ...Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])]),
      '1,000-deep nesting': { email: 'deep@example.com', deep: nest(1000) },
      'lone surrogates': { email: 'lone@example.com', name: '\ud800', 'k\udc00': 'v\udfff' },
      'invalid dates': { email: 'date@example.com', when: new Date(NaN) },
      'symbols and functions': { email: 'sym@example.com', s: Symbol('x'), f() {} },
    };
    const eventNames = [42, '', '   ', '\ud800', 'E'.repeat(MB), null];
    const done = [];
    let n = 0;
    const check = async (label) => {
      const id = `Next ${++n}`;
      await analytics.track(id, { n });
      done.push({ label, id });
    };
    // analytics-next validates some input itself (a track without a string name is rejected before
    // any plugin sees it): that is its behaviour, not the plugin's, so it is only recorded.
    const rejectedByAnalytics = [];
    const call = async (label, f) => {
      try {
        await f();
      } catch (e) {
        rejectedByAnalytics.push(`${label}: ${e.message}`);
      }
      await check(label);
    };
    for (const [label, p] of Object.entries(payloads)) {
      await call(`identify ${label}`, () => analytics.identify('hostile@example.com', p));
      await call(`track ${label}`, () => analytics.track('Hostile', p));
      await call(`page ${label}`, () => analytics.page('Category', 'Name', p));
      await call(`identify(traits only) ${label}`, () => analytics.identify(p));
    }
    for (const name of eventNames) {
      await call(`track name ${String(name).slice(0, 20)}`, () => analytics.track(name, { email: 'x' }));
    }
    const hubspot = window.__hubspot;
    return {
      done,
      commands: hubspot.commands.map((c) => (JSON.stringify(c).length > 300 ? [c[0], '(long)'] : c)),
      ignored: hubspot.ignored,
      sentIds: hubspot.sent.map((s) => s.id ?? s.name ?? s.kind),
      // What HubSpot's servers received, in brief: each custom event's name, property names and
      // its `n` property; each request's identity names.
      customEvents: hubspot.sent
        .filter((s) => s.kind === 'customEvent')
        .map((s) => ({ name: s.name, keys: Object.keys(s.properties), n: s.properties.n })),
      identityKeys: [...new Set(hubspot.sent.flatMap((s) => Object.keys(s.identity ?? {})))],
      polluted: probeFree(),
      rejectedByAnalytics,
    };
    function probeFree() {
      return [{}.polluted, [].polluted, Object.prototype.polluted].filter((v) => v !== undefined);
    }
  });
  tried += calls.done.length;
  console.log(`# rejected by analytics-next before reaching the plugin: ${JSON.stringify(calls.rejectedByAnalytics)}`);
  assert.deepEqual(calls.ignored, [], 'HubSpot ignored nothing as malformed');
  // The plugin's commands: custom behavioral events now (its default), besides identify and pages;
  // the tracker's own setPortalId and the plugin's start-up function entry left out.
  const known = new Set(['identify', 'setPath', 'trackPageView', 'trackCustomBehavioralEvent']);
  assert.deepEqual(
    calls.commands.filter((c) => !known.has(c[0]) && c[0] !== 'setPortalId' && c[0] !== '<function>'),
    [],
  );
  for (const { label, id } of calls.done) {
    const name = `pe${PORTAL}_${id.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
    assert.equal(calls.sentIds.filter((s) => s === name).length, 1, `the well-formed call after ${label} reached HubSpot once`);
    const n = id.slice('Next '.length);
    assert.deepEqual(
      calls.customEvents.filter((e) => e.name === name).map((e) => e.n),
      [n],
      `with its property n (as text): ${label}`,
    );
  }
  const PROPERTY_NAME = /^[a-z][a-z0-9_]{0,49}$/;
  for (const { name, keys } of calls.customEvents) {
    assert.match(name, /^pe62515_[a-z0-9_]+$/);
    assert.ok(keys.length <= 50, `${name}: at most 50 properties (${keys.length})`);
    assert.deepEqual(
      keys.filter((k) => !PROPERTY_NAME.test(k)),
      [],
      `${name}: property names as HubSpot takes them`,
    );
  }
  assert.deepEqual(
    calls.identityKeys.filter((k) => !PROPERTY_NAME.test(k)),
    [],
    'identity names as HubSpot takes them',
  );
  assert.deepEqual(calls.polluted, []);
  assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
  console.log(`# hostile inputs tried in total (plugin API, page state, analytics-next): ${tried}`);
});
