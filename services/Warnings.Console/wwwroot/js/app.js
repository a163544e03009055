// The console shell: the session, the navigation for the caller's roles, and hash routes.
import { get, post, setCsrfToken } from './api.js';
import { h, mount, toast } from './dom.js';
import { t, translate, toggleLanguage } from './i18n.js';
import { forget, loadSession, startReporting } from './offline.js';

export const session = { id: '', roles: [], department: '', clockOffsetMs: 0 };

/** The platform's clock now, in ms (tests run the platform on a fixed clock). */
export const serverNow = () => Date.now() + session.clockOffsetMs;

export const hasRole = (...roles) => roles.some((r) => session.roles.includes(r));

const routes = [
  { path: /^#?\/?$/, view: () => import('./views/desk.js'), nav: 'navHome', roles: ['duty_officer', 'approver', 'list_admin', 'operator'] },
  { path: /^#\/new$/, view: () => import('./views/draft.js'), nav: 'navNew', roles: ['duty_officer'] },
  { path: /^#\/edit\/([\w-]+)$/, view: () => import('./views/draft.js') },
  { path: /^#\/inbox$/, view: () => import('./views/inbox.js'), nav: 'navInbox', roles: ['duty_officer', 'approver'] },
  { path: /^#\/warning\/([\w-]+)$/, view: () => import('./views/warning.js') },
  { path: /^#\/list$/, view: () => import('./views/list.js'), nav: 'navList', roles: ['list_admin'] },
  { path: /^#\/ops$/, view: () => import('./views/ops.js'), nav: 'navOps', roles: ['operator'] },
  // Analysis (analyst): the city, a district (#/analysis/310104), an incident's timeline (#/analysis/310104/i-…).
  { path: /^#\/analysis(?:\/(\d{6}))?(?:\/([\w-]+))?$/, view: () => import('./views/analysis.js'), nav: 'navAnalysis', roles: ['analyst'] },
];
const navTargets = { navHome: '#/', navNew: '#/new', navInbox: '#/inbox', navList: '#/list', navOps: '#/ops', navAnalysis: '#/analysis' };

// District reporting: the report form, my district's incidents, the outbox (offline-first).
routes.push(
  { path: /^#\/incidents$/, view: () => import('./views/incidents.js'), nav: 'navIncidents', roles: ['district_reporter'] },
  { path: /^#\/report(?:\/(initial|followUp|final|correct|edit)\/([\w-]+)(?:\/(\d+))?)?$/, view: () => import('./views/report.js'), nav: 'navReport', roles: ['district_reporter'] },
  { path: /^#\/outbox$/, view: () => import('./views/outbox.js'), nav: 'navOutbox', roles: ['district_reporter'] },
);
Object.assign(navTargets, { navIncidents: '#/incidents', navReport: '#/report', navOutbox: '#/outbox' });

let leave = () => {};

async function route() {
  leave();
  leave = () => {};
  const hash = location.hash || '#/';
  const match = routes.map((r) => ({ r, m: hash.match(r.path) })).find((x) => x.m);
  const home = routes.find((r) => r.nav && hasRole(...r.roles));
  if (match && match.r.roles && !hasRole(...match.r.roles) && home) {
    // A page not for these roles (an analyst's desk): their first page instead.
    location.replace(navTargets[home.nav]);
    return;
  }
  const main = document.getElementById('main');
  drawNav();
  if (!match) {
    mount(main, h('p', {}, '404'));
    return;
  }
  const module = await match.r.view();
  main.dataset.view = module.name || '';
  leave = (await module.render(main, ...match.m.slice(1))) || (() => {});
  main.focus({ preventScroll: true });
}

function drawNav() {
  const hash = location.hash || '#/';
  mount(document.getElementById('nav'), h('ul', {}, Object.entries(navTargets)
    .filter(([key]) => hasRole(...routes.find((r) => r.nav === key).roles))
    .map(([key, href]) => h('li', {}, h('a', { href, 'aria-current': hash === href ? 'page' : undefined }, t(key))))));
}

async function start() {
  const me = await loadSession(() => get('/console/session')); // offline: the remembered one
  setCsrfToken(me.csrfToken);
  Object.assign(session, me, { clockOffsetMs: Date.parse(me.now) - Date.now() });
  document.getElementById('who').textContent = `${me.id}${me.department ? ` · ${me.department}` : ''}`;
  document.getElementById('lang').addEventListener('click', () => {
    toggleLanguage();
    document.getElementById('lang').textContent = t('brand').startsWith('Shanghai') ? '中文' : 'English';
    document.getElementById('lang').lang = t('brand').startsWith('Shanghai') ? 'zh-CN' : 'en';
    translate();
    route();
  });
  document.getElementById('signout').addEventListener('click', async () => {
    await post('/console/session/end').catch(() => {});
    await forget();
    location.assign('/console/login');
  });
  translate();
  addEventListener('hashchange', route);
  if (hasRole('district_reporter')) await startReporting(me, { get, setCsrfToken, h });
  await route();
  window.consoleReady = true;
}

addEventListener('unhandledrejection', (event) => {
  // A refused call the view did not handle: say so in plain words, with its reason code.
  const e = event.reason;
  toast(`${t('refused')}: ${e && e.message ? e.message : e}${e && e.reason ? ` (${e.reason})` : ''}`, 'error');
  event.preventDefault();
});

start();
