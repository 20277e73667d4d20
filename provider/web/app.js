import { AuthError, forgetToken, setToken, token } from './api.js';
import { h } from './dom.js';
import { poolPage } from './views/pool.js';
import { searchPage } from './views/search.js';
import { slicesPage } from './views/slices.js';
import { treePage } from './views/tree.js';

// Pages by the hash of the URL (#/pool/SPACE/NAME), so a page can be bookmarked and the browser's
// back button works; the hash never reaches the server.
const main = document.getElementById('main');
const forget = document.getElementById('forget');
let rendering = 0;

function route() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = Object.fromEntries(new URLSearchParams(search));
  if (parts[0] === 'pool' && parts.length === 3) return { title: `Pool ${parts[2]}`, render: () => poolPage(parts[1], parts[2], query) };
  if (parts[0] === 'search') return { title: `Search ${query.q ?? ''}`, render: () => searchPage(query.q ?? '') };
  if (parts[0] === 'slices') return { title: 'KubeSlice slices', render: () => slicesPage() };
  return { title: 'Pools', render: () => treePage() };
}

async function show() {
  const mine = ++rendering;
  const page = route();
  document.title = `${page.title} · pulumi-ipam`;
  main.replaceChildren(h('p', { role: 'status' }, 'Loading…'));
  try {
    const content = await page.render();
    if (mine !== rendering) return;
    main.replaceChildren(content);
  } catch (error) {
    if (mine !== rendering) return;
    main.replaceChildren(error instanceof AuthError ? tokenForm(error) : failure(error));
  }
  forget.hidden = token() === null;
  if (document.activeElement === document.body) main.focus({ preventScroll: true });
}

/** Asked once per tab: the token goes to sessionStorage, gone when the tab closes. */
function tokenForm(error) {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'token-help' });
  const refused = token() !== null;
  if (refused) forgetToken();
  const form = h(
    'form',
    {
      class: 'token',
      onsubmit: (event) => {
        event.preventDefault();
        setToken(input.value.trim());
        show();
      },
    },
    h('h1', {}, 'Sign in to the IPAM service'),
    refused ? h('p', { class: 'error', role: 'alert' }, `The token was refused: ${error.message}`) : null,
    h('label', { for: 'token' }, 'Bearer token (read scope is enough)'),
    input,
    h('p', { id: 'token-help', class: 'hint' }, 'Kept in this tab only (sessionStorage) and sent in the Authorization header; never in a URL.'),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  queueMicrotask(() => input.focus());
  return form;
}

function failure(error) {
  return h('div', { class: 'error', role: 'alert' }, h('h1', {}, 'That did not work'), h('p', {}, error.message), h('p', {}, h('a', { href: '#/' }, 'Back to the pools')));
}

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = document.getElementById('q').value.trim();
  if (q !== '') location.hash = `#/search?${new URLSearchParams({ q })}`;
});
forget.addEventListener('click', () => {
  forgetToken();
  show();
});
window.addEventListener('hashchange', show);
show();
