// The outbox, visible: what waits to be sent (and why: no network, the platform busy, or refused
// with its reason), newest last. A refused report can be edited (it is sent again with a new
// request id) or discarded.
import { h, mount } from '../dom.js';
import { t, violationWord } from '../i18n.js';
import { show } from '../time.js';
import * as outbox from '../reporting/outbox.js';

export const name = 'outbox';

function stateOf(entry) {
  if (entry.state === 'parked') return t('rParked');
  if (entry.dependsOn && !entry.incidentId) return t('rWaitsForInitial');
  if (entry.error) return t('rRetrying', entry.attempts);
  return t('rWaiting');
}

function row(entry) {
  const error = entry.error;
  return h('li', { class: `item outbox-item ${entry.state}`, dataset: { local: entry.localId, state: entry.state, requestId: entry.requestId, reason: (error && error.reason) || '' } },
    h('div', { class: 'item-head' }, h('strong', {}, entry.label), h('span', { class: 'outbox-state' }, stateOf(entry)),
      h('span', { class: 'muted' }, `${t('rQueuedAt')} ${show(new Date(entry.queuedAt).toISOString())}`)),
    error && entry.state === 'parked'
      ? h('div', { class: 'violation', role: 'note' }, violationWord(error.reason) || error.message, ' ', h('code', {}, error.reason || error.status),
        (error.fields || []).map((f) => h('div', { class: 'detail' }, `${f.field}: ${f.description}`)))
      : null,
    h('p', { class: 'muted' }, `${t('rRequestId')} `, h('code', {}, entry.requestId)),
    entry.state === 'parked'
      ? h('div', { class: 'item-actions' },
        h('a', { class: 'button primary', href: `#/report/edit/${entry.localId}`, dataset: { action: 'edit' } }, t('rEditResend')),
        h('button', { type: 'button', dataset: { action: 'discard' }, onclick: () => outbox.discard(entry.localId) }, t('rDiscard')))
      : null);
}

export async function render(main) {
  const draw = async () => {
    const entries = await outbox.items();
    main.dataset.count = String(entries.length);
    mount(main, h('h1', {}, t('rOutbox')),
      h('p', { class: 'muted' }, navigator.onLine ? t('rOutboxOnline') : t('rOutboxOffline')),
      entries.length ? h('ul', { class: 'items', id: 'outbox' }, entries.map(row)) : h('p', { id: 'outbox-empty' }, t('rOutboxEmpty')),
      entries.some((e) => e.state === 'queued') ? h('p', {}, h('button', { type: 'button', id: 'send-now', onclick: () => outbox.flush() }, t('rSendNow'))) : null);
  };
  await draw();
  const stop = outbox.watch(draw);
  addEventListener('online', draw);
  addEventListener('offline', draw);
  return () => {
    stop();
    removeEventListener('online', draw);
    removeEventListener('offline', draw);
  };
}
