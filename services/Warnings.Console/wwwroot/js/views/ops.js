// Operations (operator): API keys (issue, shown once, revoke), dead letters (list, requeue), the
// audit chain's verification and what this platform instance runs.
import { get, post, requestId } from '../api.js';
import { field, h, mount, toast } from '../dom.js';
import { t } from '../i18n.js';
import { show } from '../time.js';

export const name = 'ops';

const ROLES = ['duty_officer', 'approver', 'list_admin', 'district_reporter', 'partner', 'analyst', 'operator'];

export async function render(main) {
  const keysBox = h('div', { id: 'keys' });
  const onceBox = h('div', { id: 'key-once', 'aria-live': 'assertive' });
  const lettersBox = h('div', { id: 'dead-letters' });
  const auditBox = h('div', { id: 'audit-result', 'aria-live': 'polite' });
  const infoBox = h('div', { id: 'platform-info' });
  const principal = h('input', { type: 'text', required: true });
  const department = h('input', { type: 'text' });
  const roleBoxes = ROLES.map((r) => h('label', { class: 'chip' }, h('input', { type: 'checkbox', value: r }), ` ${r}`));

  mount(main, h('h1', {}, t('navOps')),
    h('section', { 'aria-labelledby': 'keys-title' }, h('h2', { id: 'keys-title' }, t('apiKeys')),
      h('form', { class: 'row', id: 'issue-key', onsubmit: (e) => { e.preventDefault(); issue(); } },
        field('k-principal', t('principal'), principal), field('k-department', t('department'), department),
        h('fieldset', {}, h('legend', {}, t('roles')), roleBoxes),
        h('button', { type: 'submit' }, t('issueKey'))),
      onceBox, keysBox),
    h('section', { 'aria-labelledby': 'letters-title' }, h('h2', { id: 'letters-title' }, t('deadLetters')), lettersBox),
    h('section', { 'aria-labelledby': 'audit-title' }, h('h2', { id: 'audit-title' }, t('audit')),
      h('button', { type: 'button', id: 'verify-audit', onclick: verify }, t('verify')), auditBox),
    h('section', { 'aria-labelledby': 'info-title' }, h('h2', { id: 'info-title' }, t('platform')), infoBox));

  async function keys() {
    const response = await get('/v1/identity:listApiKeys', { pageSize: 100 });
    mount(keysBox, h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['key', t('principal'), t('roles'), t('department'), t('at'), t('status'), ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (response.keys || []).map((k) => {
        const reason = h('input', { type: 'text', 'aria-label': `${t('reason')} ${k.keyId}`, placeholder: t('reason') });
        return h('tr', { dataset: { key: k.keyId } },
          h('td', {}, h('code', {}, k.keyId)), h('td', {}, (k.principal || {}).id), h('td', {}, ((k.principal || {}).roles || []).join(' ')),
          h('td', {}, (k.principal || {}).department || ''), h('td', {}, show(k.issuedAt)),
          h('td', {}, k.revokedAt ? `${t('revoke')} ${show(k.revokedAt)}` : '✓'),
          h('td', {}, k.revokedAt ? null : h('span', {}, reason, h('button', { type: 'button', class: 'danger', onclick: () => revoke(k.keyId, reason.value) }, t('revoke')))));
      }))));
  }

  async function issue() {
    const roles = roleBoxes.map((b) => b.querySelector('input')).filter((x) => x.checked).map((x) => x.value);
    try {
      const issued = await post('/v1/identity:issueApiKey', { requestId: requestId(), principalId: principal.value.trim(), roles, department: department.value.trim() });
      // Shown once: the platform keeps only its hash.
      mount(onceBox, h('p', { class: 'banner' }, t('keyOnce'), ' ', h('code', { id: 'new-key' }, issued.apiKey)),
        h('button', { type: 'button', onclick: () => mount(onceBox) }, t('close')));
      await keys();
    } catch (e) {
      toast(`${t('refused')}: ${e.message} (${e.reason})`, 'error');
    }
  }

  async function revoke(keyId, reason) {
    try {
      await post('/v1/identity:revokeApiKey', { requestId: requestId(), keyId, reason });
      await keys();
    } catch (e) {
      toast(`${t('refused')}: ${e.message} (${e.reason})`, 'error');
    }
  }

  async function letters() {
    const response = await get('/v1/dispatch:listDeadLetters');
    const items = response.deadLetters || [];
    mount(lettersBox, items.length === 0 ? h('p', {}, t('none')) : h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['id', t('channel'), 'warning', t('lastError'), t('at'), ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((d) => h('tr', {},
        h('td', {}, h('code', {}, d.id)), h('td', {}, d.channel), h('td', {}, `${d.warningId} v${d.version}`), h('td', {}, d.error), h('td', {}, show(d.failedAt)),
        h('td', {}, d.requeuedAt ? show(d.requeuedAt) : h('button', { type: 'button', onclick: () => requeue(d.id) }, t('requeue'))))))));
  }

  async function requeue(id) {
    try {
      await post('/v1/dispatch:requeueDeadLetter', { requestId: requestId(), id });
      await letters();
    } catch (e) {
      toast(`${t('refused')}: ${e.message} (${e.reason})`, 'error');
    }
  }

  async function verify() {
    const result = await get('/v1/audit:verifyAuditChain');
    mount(auditBox, h('p', { class: result.intact ? 'ok' : 'error' },
      result.intact ? `✓ ${result.entriesChecked || 0}` : `✗ ${result.firstBrokenEntryId}: ${result.problem}`));
  }

  const info = await get('/v1/diagnostics:getPlatformInfo');
  mount(infoBox, h('dl', {}, Object.entries(info).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, Array.isArray(v) ? v.join(', ') : String(v))])));
  await Promise.all([keys(), letters()]);
  return undefined;
}
