// Segment's browser build of its destinations aliases `liquidjs` to a stub whose engine returns a
// template as written (so `@liquid` is inert in the browser). The same stand-in, for running
// `@segment/actions-core`'s mapping-kit in Node as a page would.
exports.Liquid = class Liquid {
  parseAndRenderSync(template) {
    return template;
  }
  registerTag() {}
  registerFilter() {}
};
