// One warning: its state and four-eyes, the step the caller can take (submit, publish, fast-track,
// update, lift), the live board of every channel (server-sent events), the CAP document and the
// history timeline with each version's difference from the one before.
import { get, post, requestId } from '../api.js';
import { h, mount, toast } from '../dom.js';
import { channelName, deliveryName, levelName, stateName, t } from '../i18n.js';
import { hasRole, session } from '../app.js';
import { currentList, follow, hazardName } from '../data.js';
import { show } from '../time.js';
import { differences } from '../diff.js';
import { warningForm } from '../form.js';

export const name = 'warning';

export async function render(main, id) {
  const path = encodeURIComponent(id);
  const list = await currentList();
  const board = h('tbody', { id: 'board' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline' });
  const versions = h('div', { id: 'versions' });
  const capBox = h('div', { id: 'cap' });
  const head = h('div', {});
  const actionBox = h('div', { class: 'actions', id: 'actions' });
  const formBox = h('div', { id: 'update-form' });
  let warning;
  let closeForm = () => {};

  mount(main, head, actionBox, formBox,
    h('section', { 'aria-labelledby': 'board-title' }, h('h2', { id: 'board-title' }, t('board')),
      h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, [t('channel'), t('status'), t('attempts'), t('updatedAt'), t('lastError')].map((c) => h('th', { scope: 'col' }, c)))), board)),
    h('section', { 'aria-labelledby': 'cap-title' }, h('h2', { id: 'cap-title' }, t('cap')), capBox),
    h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, t('history')), timeline, versions));

  async function refresh() {
    const history = await get('/v1/warnings:getHistory', { warningId: id });
    warning = history.warning;
    const c = warning.content || {};
    const zh = (c.texts || []).find((x) => x.language === 'zh-CN') || {};
    main.dataset.state = warning.state;
    mount(head,
      h('h1', {}, zh.headline || id),
      h('p', { class: 'meta' }, h('span', { class: `level ${c.level || 'none'}` }, levelName(c.level || '')), ` ${hazardName(list, c.hazard)} · `,
        h('strong', { id: 'state' }, stateName(warning.state)), warning.version ? ` · ${t('version')} ${warning.version}` : '',
        ` · ${t('maker')}: ${warning.maker}`, warning.reviewer ? ` · ${t('reviewer')}: ${warning.reviewer}` : '',
        warning.signedOffBy ? ` · ${t('signedOffBy')}: ${warning.signedOffBy}` : ''),
      warning.fastTrack && !warning.signedOffBy ? h('p', { class: 'banner', role: 'alert' }, t('fastTrackBanner', show(warning.signOffDueAt))) : null,
      warning.maker === session.id && ['WARNING_STATE_SUBMITTED', 'WARNING_STATE_REVIEWED'].includes(warning.state) ? h('p', { class: 'four-eyes' }, t('fourEyes')) : null,
      warning.reviewComment ? h('p', { class: 'muted' }, `${t('comment')}: ${warning.reviewComment}`) : null);
    mount(timeline, (history.steps || []).map((s) => h('li', { dataset: { action: s.action } }, h('time', {}, show(s.at)), ` ${s.action} · ${s.by}${s.note ? ` · ${s.note}` : ''}`)));
    const all = history.versions || [];
    mount(versions, all.map((v, i) => h('details', { open: i === all.length - 1 },
      h('summary', {}, `${t('version')} ${v.version} · ${v.kind} · ${show(v.publishedAt)}${v.note ? ` · ${v.note}` : ''}`),
      h('ul', { class: 'diff' }, differences(i ? all[i - 1].content : null, v.content).map((d) => h('li', {}, d))))));
    await drawActions();
    await drawBoard();
    if (warning.version) {
      const cap = await get('/v1/warnings:getCap', { warningId: id });
      const link = h('a', { href: URL.createObjectURL(new Blob([cap.xml], { type: 'application/xml' })), download: `${cap.identifier || id}.xml` }, t('download'));
      mount(capBox, h('p', {}, link), h('pre', { class: 'xml', tabindex: '0' }, cap.xml));
    }
  }

  async function drawBoard() {
    if (!warning.version) return;
    const status = await get('/v1/warnings:getDeliveryStatus', { warningId: id });
    mount(board, (status.channels || []).map((d) => h('tr', { dataset: { channel: d.channel, status: d.status } },
      h('th', { scope: 'row' }, channelName(d.channel)),
      h('td', {}, h('span', { class: `delivery ${d.status}` }, deliveryName(d.status))),
      h('td', {}, String(d.attempts || 0)), h('td', {}, show(d.updatedAt)), h('td', {}, d.lastError || ''))));
  }

  async function step(action, body = {}) {
    try {
      await post(`/v1/warnings:${action}`, { requestId: requestId(), warningId: id, ...body });
      toast(`${t('confirm')} ✓`);
    } catch (e) {
      toast(`${t('refused')}: ${e.message} (${e.reason})`, 'error');
    }
    await refresh();
  }

  async function drawActions() {
    const s = warning.state;
    const officer = hasRole('duty_officer');
    const buttons = [];
    if (officer && s === 'WARNING_STATE_DRAFT') {
      buttons.push(h('a', { class: 'button', href: `#/edit/${id}` }, t('edit')), h('button', { type: 'button', id: 'submit', onclick: () => step('submit') }, t('submit')));
    }
    if (officer && ['WARNING_STATE_SIGNED_OFF', 'WARNING_STATE_REVIEWED'].includes(s)) {
      buttons.push(h('button', { type: 'button', class: 'primary', id: 'publish', onclick: () => step('publish') }, t('publish')));
    }
    if (officer && ['WARNING_STATE_DRAFT', 'WARNING_STATE_SUBMITTED'].includes(s) && await fastTrackAllowed()) {
      buttons.push(h('button', { type: 'button', class: 'danger', id: 'fast-track', onclick: () => step('emergencyPublish') }, t('fastTrack')));
    }
    if (hasRole('approver') && s === 'WARNING_STATE_PUBLISHED' && warning.fastTrack && !warning.signedOffBy) {
      buttons.push(h('button', { type: 'button', id: 'sign-off', onclick: () => step('signOff') }, t('signOff')));
    }
    if (hasRole('duty_officer', 'approver') && s === 'WARNING_STATE_PUBLISHED') {
      const reason = h('input', { type: 'text', id: 'lift-reason', required: true });
      buttons.push(h('button', { type: 'button', id: 'update', onclick: openUpdate }, t('update')),
        h('span', { class: 'inline-field' }, h('label', { for: 'lift-reason' }, t('liftReason')), reason,
          h('button', { type: 'button', class: 'danger', id: 'lift', onclick: () => (reason.value.trim() ? step('lift', { reason: reason.value.trim() }) : reason.focus()) }, t('lift'))));
    }
    mount(actionBox, buttons);
  }

  async function fastTrackAllowed() {
    const c = warning.content || {};
    const result = await post('/v1/publication-list:check', { department: warning.department, hazard: c.hazard, level: c.level, areas: c.districts,
      channels: c.channels, onsetAt: c.onsetAt, expiresAt: c.expiresAt, languages: (c.texts || []).map((x) => x.language), fastTrack: true });
    return !(result.violations || []).some((v) => v.code === 'FAST_TRACK_NOT_ALLOWED');
  }

  async function openUpdate() {
    const note = h('input', { type: 'text', id: 'update-note', required: true });
    const form = await warningForm(formBox, warning.content, () => [
      h('label', { for: 'update-note' }, t('updateNote')), note,
      h('button', { type: 'button', class: 'primary', id: 'publish-update', onclick: async () => {
        if (!note.value.trim()) {
          note.focus();
          return;
        }
        await step('update', { content: form.read(), note: note.value.trim() });
        closeForm();
        mount(formBox);
      } }, t('update')),
    ], 'Update');
    closeForm = form.close;
  }

  await refresh();
  const stop = follow(id, { delivery: () => drawBoard() });
  return () => {
    stop();
    closeForm();
  };
}
