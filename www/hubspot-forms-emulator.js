/*
 * A local stand-in for HubSpot's forms scripts, for the demo and the end-to-end tests. The same file
 * answers for every *.hsforms.net URL: the Forms SDK (js.hsforms.net/forms/embed/v2.js, v2.js,
 * shell.js) and the newer embed (js.hsforms.net/forms/embed/<portalId>.js). It behaves as HubSpot
 * documents them:
 *
 * Legacy forms (hbspt.forms.create, HubSpot's "legacy forms" reference):
 *   hbspt.forms.create({ portalId, formId, target, onBeforeFormInit, onFormReady,
 *   onBeforeFormSubmit, onFormSubmit, onFormSubmitted }) renders the form into `target` (a CSS
 *   selector; appended to <body> when absent). Every step is also announced to the page as a
 *   global form event, window.postMessage({ type: 'hsFormCallback', eventName, id: formId, data }):
 *     onBeforeFormInit, onFormReady            data: {}
 *     onBeforeFormSubmit, onFormSubmit         data: the fields as [{ name, value }, ...]
 *     onFormSubmitted                          data: { redirectUrl, submissionValues: { name: value } }
 *   onFormSubmitted comes after HubSpot has received the submission (a task later, as after a
 *   network round trip). The callbacks get the form element first (onFormSubmit, as before, also
 *   the values as an object; onBeforeFormSubmit the [{ name, value }] array; onFormSubmitted the
 *   same data object as the message).
 *
 * The newer embed (HubSpot's "global form events" reference): the page has
 *   <div class="hs-form-frame" data-form-id="…" data-portal-id="…" data-region="na1"></div>
 *   and this script, loaded as the embed script (…/forms/embed/<portalId>.js), renders a form into
 *   each such element (once; a later load of the embed script picks up new ones).
 *   Field names are HubSpot's object-qualified ones ('0-1/email': 0-1 is the contact object).
 *   Events are CustomEvents on window, detail { formId, instanceId }:
 *     hs-form-event:on-ready                   the form is rendered
 *     hs-form-event:on-submission:success      HubSpot received the submission
 *   window.HubSpotFormsV4.getFormFromEvent(event) gives the form of an event, and getForms() all
 *   of them; a form has getFormId(), getInstanceId() and getFormFieldValues() (a Promise of
 *   [{ name: '0-1/email', value }, ...]).
 *
 * Every form has the fields email, firstname and message. (Any copy defines hbspt.forms and
 * HubSpotFormsV4, whichever URL it was loaded from: a simplification.)
 * Log: window.__hubspotForms = { src, loads, created: [...], submissions: [...] }
 *   created:     { portalId, formId, target } (hbspt.forms.create) or
 *                { portalId, formId, instanceId, region } (the embed)
 *   submissions: what HubSpot received: { formId, values } or { formId, instanceId, values },
 *                values keyed by the field names of that kind of form
 * and a 'hubspot-emulator' CustomEvent on window after every change.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  // Only the embed script (…/forms/embed/<portalId>.js) renders .hs-form-frame elements.
  var isEmbed = !!script && /\/forms\/embed\/\d+\.js(?:[?#]|$)/.test(script.src);
  var log = window.__hubspotForms;
  if (log) {
    // A second copy defines nothing new (HubSpot's scripts guard themselves the same way), but the
    // embed script may follow the SDK on the same page: its forms still get rendered.
    log.loads += 1;
    if (isEmbed) log.renderFrames();
    return;
  }
  log = window.__hubspotForms = { src: script ? script.src : '', loads: 1, created: [], submissions: [] };
  // For a later copy of this script (not enumerable: the log stays plain data).
  Object.defineProperty(log, 'renderFrames', { value: renderFrames });

  var FIELDS = [
    { label: 'Email', name: 'email', type: 'email' },
    { label: 'First name', name: 'firstname', type: 'text' },
    { label: 'Message', name: 'message', type: 'textarea' },
  ];

  function notify(type, entry) {
    try {
      window.dispatchEvent(new CustomEvent('hubspot-emulator', { detail: { type: type, entry: entry } }));
    } catch (_e) {
      /* a listener's failure must not break the form */
    }
  }

  function call(callback, args) {
    if (typeof callback !== 'function') return;
    try {
      callback.apply(null, args);
    } catch (e) {
      console.error('[hbspt.forms emulator] a callback threw', e); // as HubSpot: the form goes on
    }
  }

  function buildForm(prefix, submitText) {
    var form = document.createElement('form');
    form.className = 'hs-form';
    FIELDS.forEach(function (f) {
      var wrap = document.createElement('label');
      wrap.textContent = f.label;
      var input = document.createElement(f.type === 'textarea' ? 'textarea' : 'input');
      input.name = prefix + f.name;
      if (f.type !== 'textarea') input.type = f.type;
      wrap.appendChild(input);
      form.appendChild(wrap);
    });
    var submit = document.createElement('input');
    submit.type = 'submit';
    submit.className = 'hs-button';
    submit.value = submitText || 'Submit';
    form.appendChild(submit);
    return form;
  }

  /** The form's fields as HubSpot lists them: [{ name, value }, ...] in form order. */
  function fieldList(form) {
    var list = [];
    new FormData(form).forEach(function (value, name) {
      list.push({ name: name, value: value });
    });
    return list;
  }

  function valuesOf(list) {
    var values = {};
    list.forEach(function (f) {
      values[f.name] = f.value;
    });
    return values;
  }

  function thanks(host, text) {
    // The form element leaves the page but is kept, so its values can still be read afterwards.
    host.replaceChildren(document.createTextNode(text || 'Thanks for submitting the form.'));
  }

  // ---- Legacy forms: hbspt.forms.create ----

  function hsFormCallback(eventName, formId, data) {
    // HubSpot's legacy forms announce each step to the page with window.postMessage.
    window.postMessage({ type: 'hsFormCallback', eventName: eventName, id: formId, data: data }, '*');
  }

  function create(options) {
    options = options || {};
    if (!options.portalId || !options.formId) {
      // HubSpot logs and renders nothing when these are missing.
      console.error('[hbspt.forms emulator] create() needs portalId and formId');
      return;
    }
    var formId = String(options.formId);
    var portalId = String(options.portalId);
    call(options.onBeforeFormInit, [{ portalId: portalId, formId: formId }]);
    hsFormCallback('onBeforeFormInit', formId, {});

    var host = options.target ? document.querySelector(options.target) : null;
    if (!host) {
      host = document.createElement('div');
      document.body.appendChild(host);
    }
    var form = buildForm('', options.submitText);
    form.setAttribute('data-form-id', formId);
    form.setAttribute('data-portal-id', portalId);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var list = fieldList(form);
      var values = valuesOf(list);
      call(options.onBeforeFormSubmit, [form, list]);
      hsFormCallback('onBeforeFormSubmit', formId, list);
      call(options.onFormSubmit, [form, values]);
      hsFormCallback('onFormSubmit', formId, list);
      var entry = { formId: formId, values: values };
      log.submissions.push(entry);
      thanks(host, options.inlineMessage);
      notify('formSubmitted', entry);
      // HubSpot's answer arrives later; then the submission counts as made.
      setTimeout(function () {
        var data = { redirectUrl: options.redirectUrl || '', submissionValues: values };
        call(options.onFormSubmitted, [form, data]);
        hsFormCallback('onFormSubmitted', formId, data);
      }, 0);
    });
    host.appendChild(form);
    var created = { portalId: portalId, formId: formId, target: options.target || null };
    log.created.push(created);
    call(options.onFormReady, [form]);
    hsFormCallback('onFormReady', formId, {});
    notify('formCreated', created);
    return form;
  }

  window.hbspt = window.hbspt || {};
  window.hbspt.forms = { create: create };

  // ---- The newer embed: .hs-form-frame, global form events, HubSpotFormsV4 ----

  var v4Forms = [];
  var instances = 0;

  function newInstanceId() {
    instances += 1;
    return window.crypto && typeof window.crypto.randomUUID === 'function' ? window.crypto.randomUUID() : 'instance-' + instances;
  }

  function formEvent(name, v4) {
    window.dispatchEvent(new CustomEvent(name, { detail: { formId: v4.getFormId(), instanceId: v4.getInstanceId() } }));
  }

  function renderFrame(host) {
    host.setAttribute('data-hs-emulator-rendered', 'true');
    var formId = host.getAttribute('data-form-id') || '';
    var portalId = host.getAttribute('data-portal-id') || '';
    var region = host.getAttribute('data-region') || 'na1';
    if (!formId || !portalId) {
      console.error('[hs-form-frame emulator] the embed needs data-form-id and data-portal-id');
      return;
    }
    var instanceId = newInstanceId();
    var form = buildForm('0-1/', null);
    var v4 = {
      getFormId: function () {
        return formId;
      },
      getInstanceId: function () {
        return instanceId;
      },
      getFormFieldValues: function () {
        return Promise.resolve(fieldList(form));
      },
    };
    v4Forms.push(v4);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var entry = { formId: formId, instanceId: instanceId, values: valuesOf(fieldList(form)) };
      log.submissions.push(entry);
      thanks(host, null);
      notify('formSubmitted', entry);
      setTimeout(function () {
        formEvent('hs-form-event:on-submission:success', v4);
      }, 0);
    });
    host.appendChild(form);
    var created = { portalId: portalId, formId: formId, instanceId: instanceId, region: region };
    log.created.push(created);
    formEvent('hs-form-event:on-ready', v4);
    notify('formCreated', created);
  }

  function renderFrames() {
    var hosts = document.querySelectorAll('.hs-form-frame:not([data-hs-emulator-rendered])');
    for (var i = 0; i < hosts.length; i++) renderFrame(hosts[i]);
  }

  window.HubSpotFormsV4 = {
    getForms: function () {
      return v4Forms.slice();
    },
    getFormFromEvent: function (event) {
      var id = event && event.detail && event.detail.instanceId;
      for (var i = 0; i < v4Forms.length; i++) if (v4Forms[i].getInstanceId() === id) return v4Forms[i];
      return null;
    },
  };

  if (isEmbed) {
    renderFrames();
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', renderFrames);
  }
  notify('formsReady', null);
})();
