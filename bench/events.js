// Realistic Segment events for the benchmark, built once before timing so that only the plugins'
// own work is measured. Every pool holds POOL distinct events of one shape (values differ, keys
// do not), as a page that identifies and tracks the same kind of user would send.
// Plain ES module: loaded by the benchmark page in Chromium and importable from Node.

/** Events per pool; a power of two so the timing loop can index with a mask. */
export const POOL = 64;

const FIRST = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Allen'];
const CITIES = [
  ['Boston', 'MA', '02110'],
  ['Dublin', 'D', 'D02 X285'],
  ['Berlin', 'BE', '10115'],
  ['Austin', 'TX', '78701'],
];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];

/** ISO-8601 date-time as analytics-next's JSON storage turns a `Date` trait into. */
const iso = (i, day) => new Date(Date.UTC(2024, 0, 1 + day, 10, i % 60, i % 60, i % 1000)).toISOString();

/**
 * analytics-next `identify` event with 24 top-level traits (32 values once the nested objects are
 * flattened): nested `address` and `company`, another nested object, ISO dates (with fraction, with
 * offset, date-only), arrays of scalars, keys with spaces, dots and camelCase, strings to trim.
 */
export function identifyEvent(i) {
  const f = FIRST[i % FIRST.length],
    l = LAST[(i >> 3) % LAST.length];
  const [city, state, zip] = CITIES[i % CITIES.length];
  return {
    type: 'identify',
    userId: `user_${100000 + i}`,
    anonymousId: `a3f1c7e2-5b9d-4c8e-9f0a-${String(100000000000 + i)}`,
    traits: {
      email: `${f.toLowerCase()}.${l.toLowerCase()}+${i}@example.com`,
      firstName: f,
      lastName: l,
      name: `${f} ${l}`,
      phone: `+1 617 555 ${String(1000 + i).slice(-4)}`,
      title: ' Staff Engineer ',
      website: `https://www.example${i}.com/`,
      avatar: `https://cdn.example.com/avatars/${i}.png`,
      createdAt: iso(i, i % 300),
      lastLogin: `2024-06-0${1 + (i % 9)}T08:30:00.123+02:00`,
      birthday: `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
      age: 25 + (i % 40),
      logins: 1000 + i * 7,
      isPro: i % 2 === 0,
      plan: { name: PLANS[i % PLANS.length], seats: 5 + (i % 20) },
      address: { street: `${10 + i} Main Street`, city, state, postalCode: zip, country: 'US' },
      company: { name: `Acme ${i} Inc.`, industry: 'Software', employee_count: 50 + i, plan: PLANS[(i + 1) % PLANS.length] },
      tags: ['beta', 'newsletter', i % 2 ? 'vip' : 'trial'],
      interests: ['analytics', 'crm'],
      'Favorite Color': i % 2 ? 'blue' : 'green',
      'utm.source': 'newsletter',
      preferred_language: 'en-US',
      description: '\u200bLikes long walks on the beach. \n',
      score: 0.5 + (i % 50) / 100,
    },
    context: analyticsContext(i),
    timestamp: iso(i, 400),
    messageId: `ajs-next-${1700000000000 + i}-bench`,
  };
}

/** Smallest identify that is still sent: only an email. Shows the fixed cost of a call. */
export function identifyMinimalEvent(i) {
  return { type: 'identify', traits: { email: `u${i}@example.com` } };
}

/** analytics-next `track` event: an Order Completed with 11 properties (a date, an array, `id`, `revenue`). */
export function trackEvent(i) {
  return {
    type: 'track',
    event: i % 2 ? 'Order Completed' : 'Checkout Started',
    userId: `user_${100000 + i}`,
    anonymousId: `a3f1c7e2-5b9d-4c8e-9f0a-${String(100000000000 + i)}`,
    properties: {
      order_id: `ord_${50000 + i}`,
      id: `chk_${i}`,
      total: 27.5 + i,
      revenue: 25 + i,
      shipping: 3,
      tax: 2.5,
      discount: i % 3,
      coupon: i % 4 ? null : 'SUMMER',
      currency: 'USD',
      completedAt: iso(i, 200),
      skus: ['sku-1', `sku-${i}`],
    },
    context: analyticsContext(i),
    timestamp: iso(i, 400),
    messageId: `ajs-next-${1700000000000 + i}-bench`,
  };
}

/** Smallest track: an event name and no properties. */
export function trackMinimalEvent(i) {
  return { type: 'track', event: `Clicked ${i % 4}`, properties: {} };
}

/** A later `page` call (a plugin's first one is HubSpot's own page view: README, What reaches HubSpot). */
export function pageEvent(i) {
  return {
    type: 'page',
    name: 'Pricing',
    properties: {
      path: `/pricing/${i % 8}`,
      search: `?plan=${PLANS[i % 4]}`,
      url: `https://www.example.com/pricing/${i % 8}`,
      title: 'Pricing',
      referrer: '',
    },
    context: analyticsContext(i),
  };
}

/** What analytics-next puts in `event.context` (no `traits`: no identify rides on track here). */
function analyticsContext(i) {
  return {
    library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
    locale: 'en-US',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36',
    page: { path: `/pricing/${i % 8}`, referrer: '', search: '', title: 'Pricing', url: `https://www.example.com/pricing/${i % 8}` },
  };
}

/** POOL events from `make`. */
export const pool = (make) => Array.from({ length: POOL }, (_, i) => make(i));
