// Tiny DOM builder: every piece of text goes in through textContent or a
// text node, never through HTML parsing (page text is untrusted).

/**
 * Creates an element.
 * `props`: `class` (string), `text` (textContent), `attrs` (object of
 * attributes, e.g. aria-*, data-*, role, for), `on` (object of event
 * listeners), anything else is assigned as a DOM property (type, value,
 * disabled, checked, href, src, alt, ...).
 * `children`: nodes, strings (become text nodes), null/false (skipped), or arrays of those.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'attrs') for (const [a, av] of Object.entries(v)) {
      if (av !== undefined && av !== null && av !== false) el.setAttribute(a, String(av));
    }
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'innerHTML' || k === 'outerHTML') throw new Error('h(): HTML properties are not allowed');
    else el[k] = v;
  }
  append(el, children);
  return el;
}

/** Appends nodes / strings / arrays of them to `parent`. */
export function append(parent, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (typeof c === 'string' || typeof c === 'number') parent.appendChild(document.createTextNode(String(c)));
    else parent.appendChild(c);
  }
  return parent;
}

/** Removes every child of `el` and appends `children`. */
export function replaceChildren(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return append(el, children);
}
