// The outbox: reports waiting to reach the platform, in IndexedDB so they survive a reload or a
// restart. Each carries the request id it got when the clerk pressed send, so sending it again
// (after a lost answer, a reload) is answered with the first result: the platform keeps it once.
// Order is kept per incident; a follow-up to an incident reported offline waits for its initial
// report's incident id. Network errors, 5xx and 503 keep an item queued and retry with backoff;
// other refusals park it with the reason until the clerk edits (new request id) or discards it.
import { call, requestId } from '../api.js';

const DB = 'console-outbox';
const STORE = 'items';
const PATHS = { initial: '/v1/incidents', followUp: '/v1/incidents:submitFollowUp', final: '/v1/incidents:submitFinal', correct: '/v1/incidents:correctReport' };
const listeners = new Set();
let database;
let flushing = null;
let again = false;
let timer = 0;
let owner = '';
let ensureSession = async () => {};
let sessionRetryMs = 1000;

function open() {
  database = database || new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'order', autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return database;
}

async function transact(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const store = tx.objectStore(STORE);
    let result;
    Promise.resolve(work(store)).then((r) => { result = r; }, reject);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
  });
}

const all = (store) => new Promise((resolve, reject) => {
  const request = store.getAll();
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

/** The caller's items, in the order they were sent. */
export const items = () => transact('readonly', all).then((list) => list.filter((i) => i.owner === owner));

export const item = async (localId) => (await items()).find((i) => i.localId === localId) || null;

function changed() {
  for (const listener of listeners) listener();
}

/** Calls listener after every change; returns the remover. */
export function watch(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Queues a report: {kind: initial|followUp|final|correct, incidentId or dependsOn (an initial's
 * localId), sequence, reason, body, label}. It gets its request id now. With replace (a parked
 * item's localId), the edited content takes that item's place in the order, with a new request id.
 */
export async function enqueue(report, replace = '') {
  const now = Date.now();
  const entry = { ...report, owner, requestId: requestId(), state: 'queued', attempts: 0, nextAttemptAt: 0, error: null, queuedAt: now };
  await transact('readwrite', async (store) => {
    const old = replace ? (await all(store)).find((i) => i.localId === replace) : null;
    store.put(old ? { ...old, ...entry, localId: old.localId, order: old.order } : { ...entry, localId: crypto.randomUUID() });
  });
  changed();
  flush();
  return entry.requestId;
}

export async function discard(localId) {
  await transact('readwrite', async (store) => {
    const target = (await all(store)).find((i) => i.localId === localId);
    if (target) store.delete(target.order);
  });
  changed();
}

const retryable = (error) => !error.status || error.status >= 500 || error.status === 408 || error.status === 429;

function request(entry) {
  const body = { requestId: entry.requestId, body: entry.body };
  if (entry.kind !== 'initial') body.incidentId = entry.incidentId;
  if (entry.kind === 'correct') Object.assign(body, { sequence: entry.sequence, reason: entry.reason });
  return call('POST', PATHS[entry.kind], body);
}

async function update(entry) {
  await transact('readwrite', (store) => store.put(entry));
  changed();
}

// An accepted initial report: it leaves the outbox, and what waited for it learns its incident id
// in the same transaction (a reload in between cannot lose the link).
async function accepted(entry, receipt) {
  await transact('readwrite', async (store) => {
    store.delete(entry.order);
    for (const waiting of (await all(store)).filter((i) => i.dependsOn === entry.localId)) {
      store.put({ ...waiting, incidentId: receipt.incident.id, dependsOn: '' });
    }
  });
  changed();
}

async function sendAll() {
  if (!(await items()).some((i) => i.state === 'queued')) return;
  try {
    await ensureSession(); // a start offline has no CSRF token yet
    sessionRetryMs = 1000;
  } catch {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = 0; flush(); }, sessionRetryMs);
    sessionRetryMs = Math.min(60000, sessionRetryMs * 2);
    return;
  }
  // Rounds: an accepted initial report frees the follow-ups that waited for its incident id.
  for (let round = 0, freed = 1; freed > 0 && round < 20; round++) freed = await sendRound();
}

async function sendRound() {
  let freed = 0;
  const blocked = new Set();
  for (const entry of await items()) {
    const group = entry.incidentId || entry.dependsOn || entry.localId;
    if (blocked.has(group) || entry.state === 'parked' || (entry.dependsOn && !entry.incidentId) || entry.nextAttemptAt > Date.now()) {
      blocked.add(group);
      continue;
    }
    try {
      const receipt = await request(entry);
      await accepted(entry, receipt);
      if (entry.kind === 'initial') freed++;
    } catch (error) {
      blocked.add(group);
      if (retryable(error)) {
        const attempts = entry.attempts + 1;
        await update({ ...entry, attempts, state: 'queued', nextAttemptAt: Date.now() + Math.min(60000, 1000 * 2 ** attempts) * (0.75 + Math.random() / 2),
          error: { status: error.status || 0, reason: error.reason || (error.status ? '' : 'NETWORK'), message: error.message, fields: [] } });
        if (!error.status) return 0; // no network: the rest waits too
      } else if (error.status === 401 || (error.status === 403 && error.reason === 'CSRF_TOKEN_INVALID')) {
        return 0; // the session, not the report: kept as it is until the clerk signs in again
      } else {
        await update({ ...entry, state: 'parked', error: { status: error.status, reason: error.reason, message: error.message, fields: error.fields || [] } });
      }
    }
  }
  return freed;
}

function schedule(list) {
  const next = list.filter((i) => i.state === 'queued' && i.nextAttemptAt > 0).map((i) => i.nextAttemptAt);
  if (next.length) timer = setTimeout(() => { timer = 0; flush(); }, Math.max(200, Math.min(...next) - Date.now()));
}

/** Sends what can be sent now (one run at a time); schedules the next try for what failed. */
export function flush() {
  if (flushing) {
    again = true; // something came in while a run was under way: one more run after it
    return flushing;
  }
  flushing = sendAll().catch(() => {}).finally(async () => {
    flushing = null;
    if (again) {
      again = false;
      flush();
    } else if (!timer) {
      schedule(await items());
    }
  });
  return flushing;
}

/**
 * Starts sending for this user: now, whenever the browser comes back online, and on backoff.
 * ensure() makes sure the session (its CSRF token) is known before anything is sent.
 */
export function start(user, ensure) {
  owner = user;
  ensureSession = ensure;
  addEventListener('online', async () => {
    // Back online: every waiting item may go at once.
    for (const entry of (await items()).filter((i) => i.state === 'queued')) await update({ ...entry, nextAttemptAt: 0 });
    clearTimeout(timer);
    timer = 0;
    sessionRetryMs = 1000;
    flush();
  });
  flush();
}
