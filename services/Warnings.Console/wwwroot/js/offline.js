// Working without a network: the service worker (/console/sw.js) keeps the shell, the scripts and
// the reference data; the session's roles and district are remembered here so a reload offline
// still draws the reporter's pages (the cookie stays the authority: every call the platform
// answers is judged by it, and sign-out forgets everything kept).
const REMEMBERED = 'console-session';

/** True when a failed fetch means "no network" rather than a refusal. */
export const isNetworkError = (error) => error instanceof TypeError;

/**
 * The session: asked of the platform, remembered for rendering; when the platform cannot be
 * reached, the remembered one (marked offline), else the error.
 */
export async function loadSession(ask) {
  try {
    const me = await ask();
    const { csrfToken, ...kept } = me; // the CSRF token is asked for again, never stored
    localStorage.setItem(REMEMBERED, JSON.stringify(kept));
    return { ...me, offline: false };
  } catch (error) {
    const kept = localStorage.getItem(REMEMBERED);
    if (!isNetworkError(error) || !kept) throw error;
    return { ...JSON.parse(kept), csrfToken: '', now: new Date().toISOString(), offline: true };
  }
}

/** Sign-out: the remembered session and the cached data go; the outbox stays with its owner. */
export async function forget() {
  localStorage.removeItem(REMEMBERED);
  if ('caches' in window) await caches.delete('console-data');
}

/** Installs the service worker for /console (secure contexts only: https or localhost). */
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return Promise.resolve(null);
  return navigator.serviceWorker.register('/console/sw.js', { scope: '/console' }).catch(() => null);
}

// Reads the form needs offline, fetched once through the service worker so it keeps them.
async function warm(district, get) {
  const { openIncidents } = await import('./reporting/incidents-data.js');
  await Promise.all([get('/console/config'), get('/v1/publication-list')]);
  const incidents = await openIncidents(district);
  await Promise.all(incidents.slice(0, 50).map((i) => get('/v1/incidents:getTimeline', { incidentId: i.id })));
}

async function controlled() {
  await navigator.serviceWorker.ready;
  if (navigator.serviceWorker.controller) return;
  await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
}

/**
 * The district reporter's offline side: the service worker and its copies, the outbox sending with
 * a fresh CSRF token (a start offline has none), and the header's network and outbox badge.
 * window.offlineReady turns true once the app would open and take reports offline (the copies kept).
 */
export async function startReporting(me, { get, setCsrfToken, h }) {
  const outbox = await import('./reporting/outbox.js');
  const { t } = await import('./i18n.js');
  let token = me.csrfToken;
  outbox.start(me.id, async () => {
    if (token) return;
    const fresh = await get('/console/session');
    token = fresh.csrfToken;
    setCsrfToken(token);
  });
  const badge = h('a', { id: 'net-status', class: 'net-status', href: '#/outbox' });
  document.getElementById('who').after(badge);
  const draw = async () => {
    const waiting = (await outbox.items()).length;
    badge.textContent = [navigator.onLine ? '' : t('rOffline'), waiting ? t('rOutboxCount', waiting) : ''].filter(Boolean).join(' · ');
    badge.hidden = !badge.textContent;
    badge.dataset.count = String(waiting);
  };
  outbox.watch(draw);
  addEventListener('online', draw);
  addEventListener('offline', draw);
  await draw();
  // In the background: the pages do not wait for the copies.
  registerServiceWorker().then(async (registration) => {
    if (registration) {
      await controlled();
      if (!me.offline) await warm(me.district, get).catch(() => {});
    }
    window.offlineReady = true;
  });
}
