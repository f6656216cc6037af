// A very small wxml-style binder so the demo pages can be written like mini-program templates:
//   attributes and text with {{expr}}, wx:if="{{expr}}", wx:for="{{list}}" wx:key="field" (item/index in scope),
//   bindtap="method" (called with {currentTarget: {dataset}}). page.setData(obj, cb) merges and re-renders.

const compiled = new Map();
function evaluate(expr, scope) {
  let fn = compiled.get(expr);
  if (!fn) {
    // eslint-disable-next-line no-new-func
    fn = new Function('__s', 'with (__s) { return (' + expr + '); }');
    compiled.set(expr, fn);
  }
  try { return fn(scope); } catch (e) { return undefined; }
}

const ONE = /^\{\{([\s\S]*)\}\}$/;
function interpolate(template, scope) {
  const single = ONE.exec(template.trim());
  if (single && !single[1].includes('}}')) return evaluate(single[1], scope);
  return template.replace(/\{\{([\s\S]*?)\}\}/g, (_, expr) => {
    const value = evaluate(expr, scope);
    return value === undefined || value === null ? '' : String(value);
  });
}

/** Collects the bindings under `node` (not descending into wx:for prototypes, which bind per item). */
function collect(node, page, out) {
  if (node.nodeType === 3) {
    if (node.data.includes('{{')) {
      const template = node.data;
      out.push(scope => { const v = interpolate(template, scope); node.data = v === undefined || v === null ? '' : String(v); });
    }
    return out;
  }
  if (node.nodeType !== 1 && node.nodeType !== 11) return out;
  if (node.nodeType === 1 && node.hasAttribute('wx:for')) {
    out.push(listBinding(node, page));
    return out;
  }
  if (node.nodeType === 1) {
    for (const attr of [...node.attributes]) {
      const {name, value} = attr;
      if (name === 'wx:if') {
        const display = node.style.display;
        out.push(scope => { node.style.display = interpolate(value, scope) ? display : 'none'; });
      } else if (name === 'bindtap') {
        node.addEventListener('click', event => {
          if (typeof page[value] === 'function') page[value]({currentTarget: {dataset: {...node.dataset}}, detail: {}, event});
        });
      } else if (value.includes('{{')) {
        out.push(scope => {
          const v = interpolate(value, scope);
          const text = v === undefined || v === null ? '' : String(v);
          if (node.getAttribute(name) !== text) node.setAttribute(name, text);
        });
      }
    }
  }
  for (const child of [...node.childNodes]) collect(child, page, out);
  return out;
}

function listBinding(proto, page) {
  const listExpr = proto.getAttribute('wx:for');
  const keyName = proto.getAttribute('wx:key') || '';
  const anchor = document.createComment('wx:for ' + listExpr);
  proto.replaceWith(anchor);
  proto.removeAttribute('wx:for');
  proto.removeAttribute('wx:key');
  const instances = new Map();
  return scope => {
    const list = interpolate(listExpr, scope) || [];
    const seen = new Set();
    let after = anchor;
    list.forEach((item, index) => {
      let key = keyName === '*this' ? item : keyName ? item?.[keyName] : index;
      if (seen.has(key)) key = key + '#' + index;
      seen.add(key);
      let instance = instances.get(key);
      if (!instance) {
        const el = proto.cloneNode(true);
        instance = {el, bindings: collect(el, page, [])};
        instances.set(key, instance);
      }
      const itemScope = Object.assign(Object.create(null), scope, {item, index});
      for (const bind of instance.bindings) bind(itemScope);
      if (after.nextSibling !== instance.el) after.after(instance.el);
      after = instance.el;
    });
    for (const [key, instance] of instances) {
      if (!seen.has(key)) { instance.el.remove(); instances.delete(key); }
    }
  };
}

/** Makes a page object (data, setData, your methods) bound to `root`. */
export function createPage(root, definition) {
  const page = {...definition, data: {...(definition.data || {})}};
  let bindings = null;
  let scheduled = false;
  let callbacks = [];
  page.render = () => {
    if (!bindings) bindings = collect(root, page, []);
    const scope = Object.assign(Object.create(null), page.data);
    for (const bind of bindings) bind(scope);
  };
  page.setData = (obj, callback) => {
    Object.assign(page.data, obj);
    if (callback) callbacks.push(callback);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (page.computed) Object.assign(page.data, page.computed(page.data));
      page.render();
      const run = callbacks;
      callbacks = [];
      for (const cb of run) { try { cb.call(page); } catch (e) { console.error(e); } }
    });
  };
  return page;
}
