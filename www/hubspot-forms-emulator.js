/*
 * A local stand-in for HubSpot's Forms SDK (js.hsforms.net/forms/embed/v2.js), for the demo and the
 * end-to-end tests. It defines window.hbspt.forms.create({ portalId, formId, target, onFormReady,
 * onFormSubmit }) the way HubSpot documents it: the form is rendered into `target` (a CSS selector;
 * appended to <body> when absent) and the callbacks are called with the form element.
 * Log: window.__hubspotForms = { src, loads, created: [{ portalId, formId, target }], submissions: [...] },
 * and a 'hubspot-emulator' CustomEvent on window after every change.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (window.__hubspotForms) {
    window.__hubspotForms.loads += 1;
    return;
  }
  var log = (window.__hubspotForms = { src: script ? script.src : '', loads: 1, created: [], submissions: [] });

  function notify(type, entry) {
    window.dispatchEvent(new CustomEvent('hubspot-emulator', { detail: { type: type, entry: entry } }));
  }

  function field(form, label, name, type) {
    var wrap = document.createElement('label');
    wrap.textContent = label;
    var input = document.createElement('input');
    input.name = name;
    input.type = type;
    wrap.appendChild(input);
    form.appendChild(wrap);
  }

  function create(options) {
    options = options || {};
    if (!options.portalId || !options.formId) {
      // HubSpot logs and renders nothing when these are missing.
      console.error('[hbspt.forms emulator] create() needs portalId and formId');
      return;
    }
    var host = options.target ? document.querySelector(options.target) : null;
    if (!host) {
      host = document.createElement('div');
      document.body.appendChild(host);
    }
    var form = document.createElement('form');
    form.className = 'hs-form';
    form.setAttribute('data-form-id', String(options.formId));
    form.setAttribute('data-portal-id', String(options.portalId));
    field(form, 'Email', 'email', 'email');
    field(form, 'First name', 'firstname', 'text');
    var submit = document.createElement('input');
    submit.type = 'submit';
    submit.className = 'hs-button';
    submit.value = options.submitText || 'Submit';
    form.appendChild(submit);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var values = {};
      new FormData(form).forEach(function (value, key) { values[key] = value; });
      var entry = { formId: String(options.formId), values: values };
      log.submissions.push(entry);
      if (typeof options.onFormSubmit === 'function') options.onFormSubmit(form, values);
      form.replaceChildren(document.createTextNode(options.inlineMessage || 'Thanks for submitting the form.'));
      notify('formSubmitted', entry);
    });
    host.appendChild(form);
    var created = { portalId: String(options.portalId), formId: String(options.formId), target: options.target || null };
    log.created.push(created);
    if (typeof options.onFormReady === 'function') options.onFormReady(form);
    notify('formCreated', created);
    return form;
  }

  window.hbspt = window.hbspt || {};
  window.hbspt.forms = { create: create };
  notify('formsReady', null);
})();
