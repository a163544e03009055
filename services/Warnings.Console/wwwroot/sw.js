// The console's service worker (scope /console): the app opens and takes reports without a network.
// Network first for everything it keeps, so a deploy or a changed list is seen at once when online;
// the copy answers only when the network does not. Writes (POST) are never touched: the outbox in
// the page sends them, with their request ids, when the network is back.
const SHELL = 'console-shell';
const DATA = 'console-data';

// The platform reads the form needs offline (the caller's own, with the session cookie).
const DATA_PATHS = [/^\/v1\/publication-list$/, /^\/v1\/incidents$/, /^\/v1\/incidents\/[\w-]+$/, /^\/v1\/incidents:getTimeline$/, /^\/console\/config$/];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // Every script, style, vendored library and the district map, as the platform lists them.
    const files = await (await fetch('/console/offline.json', { credentials: 'same-origin' })).json();
    const cache = await caches.open(SHELL);
    await cache.addAll(['/console/manifest.webmanifest', ...files.map((f) => `/console/assets/${f}`)]);
    // The shell itself, as the signed-in person gets it (not the sign-in page it redirects to without a session).
    const shell = await fetch('/console', { credentials: 'same-origin' });
    if (shell.ok && !shell.redirected) await cache.put('/console', shell);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

async function networkFirst(request, cacheName, key = request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) (await caches.open(cacheName)).put(key, response.clone());
    return response;
  } catch (error) {
    const kept = await caches.match(key);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && (url.pathname === '/console' || url.pathname === '/console/')) {
    // The shell, whatever the hash: the page decides what to draw.
    event.respondWith(networkFirst(request, SHELL, '/console'));
  } else if (url.pathname.startsWith('/console/assets/') || url.pathname === '/console/manifest.webmanifest') {
    event.respondWith(networkFirst(request, SHELL));
  } else if (DATA_PATHS.some((p) => p.test(url.pathname))) {
    event.respondWith(networkFirst(request, DATA));
  }
});
