// A small element builder: h('button', {class: 'x', onclick: f}, 'text', child…). Text is always
// text (never parsed as HTML), so nothing the platform returns can inject markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces root's content. */
export function mount(root, ...children) {
  root.replaceChildren();
  append(root, children);
  return root;
}

/** Calls fn at most once per wait ms of quiet. */
export function debounce(fn, wait) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

/** A short message in the live region. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toast');
  box.className = kind;
  box.textContent = message;
}

/** A labelled field: label, control and a slot for its messages (aria-describedby). */
export function field(id, label, control, help) {
  control.id = id;
  const messages = h('div', { class: 'messages', id: `${id}-messages`, 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', `${id}-messages${help ? ` ${id}-help` : ''}`);
  return h('div', { class: 'field', dataset: { field: id } },
    h('label', { for: id }, label), control, help ? h('p', { class: 'help', id: `${id}-help` }, help) : null, messages);
}
