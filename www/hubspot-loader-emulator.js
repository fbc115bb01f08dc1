/*
 * A stand-in for HubSpot's script loader (js.hs-scripts.com/<portalId>.js, js-<region>.hs-scripts.com
 * outside na1), for the demo, the end-to-end tests and the bench, which run with no internet. It is
 * our own code, written to do what HubSpot's loader was observed to do: a small script that adds
 * HubSpot's other scripts to the page, each once (by element id), before the page's first script:
 *
 *   - the cookie banner, https://js.hs-banner.com/v2/<portalId>/banner.js (id cookieBanner-<portalId>);
 *   - the tracker, https://js.hs-analytics.net/analytics/<timestamp>/<portalId>.js (id hs-analytics;
 *     js-<region>.hs-analytics.net outside na1), <timestamp> a cache buster rounded to 5 minutes.
 *
 * So the tracker (www/hubspot-emulator.js) runs one request after the loader, as on a real page.
 * HubSpot's loader also adds its collected-forms and lead-flows scripts, which nothing here needs:
 * they are left out. The portal id comes from the script's src (`/62515.js`), the region from its
 * host. A nonce on the loader's element is copied to the scripts it adds (a page whose CSP lists
 * HubSpot's hosts needs no nonce at all). Self-hosted: `?tracker=<url>` and `?banner=<url>`, each
 * relative to this script's URL, name the other two.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var src = script ? script.src : '';
  var match = /\/(\d+)\.js(?:[?#]|$)/.exec(src) || /[?&]portalId=(\d+)/.exec(src);
  if (!match) return;
  var portalId = match[1];
  var region = /^js-([a-z0-9]+)\.hs-scripts\.com$/.exec(hostOf(src));
  var hubletHost = region ? 'js-' + region[1] + '.' : 'js.';
  var timestamp = Math.ceil(Date.now() / 300000) * 300000;

  add('cookieBanner-' + portalId, custom('banner') || 'https://js.hs-banner.com/v2/' + portalId + '/banner.js');
  add('hs-analytics', custom('tracker') || 'https://' + hubletHost + 'hs-analytics.net/analytics/' + timestamp + '/' + portalId + '.js');

  function add(id, url) {
    if (document.getElementById(id)) return;
    var element = document.createElement('script');
    element.src = url;
    element.type = 'text/javascript';
    element.id = id;
    if (script && script.nonce) element.nonce = script.nonce;
    var first = document.getElementsByTagName('script')[0];
    if (first && first.parentNode) first.parentNode.insertBefore(element, first);
    else (document.head || document.documentElement).appendChild(element);
  }

  function custom(name) {
    var m = new RegExp('[?&]' + name + '=([^&#]+)').exec(src);
    return m ? new URL(decodeURIComponent(m[1]), src).href : null;
  }

  function hostOf(url) {
    try {
      return new URL(url).hostname;
    } catch (_e) {
      return '';
    }
  }
})();
