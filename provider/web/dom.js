// Building the page from data: text always goes in as text nodes, never as HTML, so an owner
// name or a label can never become markup.

const SVG = 'http://www.w3.org/2000/svg';

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An HTML element: h('a', { href: '#/' }, 'Pools'). */
export function h(tag, attributes, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** An SVG element. */
export function s(tag, attributes, ...children) {
  return build(document.createElementNS(SVG, tag), attributes, children);
}

/** A count of addresses people can read: exact up to a trillion, then as a power of two (as the terminal map writes it). */
export function count(text) {
  const n = BigInt(text);
  if (n < 1000000000000n) return n.toLocaleString('en-US');
  const bits = n.toString(2).length - 1;
  return n === 1n << BigInt(bits) ? `2^${bits}` : `about 2^${bits}`;
}

export function percent(x) {
  return `${(x * 100).toFixed(1)}%`;
}

/** A link to a page of the view: #/pool/SPACE/NAME, parts encoded. */
export function link(...parts) {
  return `#/${parts.map((p) => encodeURIComponent(p)).join('/')}`;
}

export function when(iso) {
  return iso === undefined ? '' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
