// Shared reads: the publication list in force (what the caller's department may offer), live
// events, and a table of warnings.
import { get } from './api.js';
import { h } from './dom.js';
import { levelName, stateName, t } from './i18n.js';
import { show } from './time.js';

let list = null;

/** The list in force (GET /v1/publication-list), read again after invalidate(). */
export async function currentList() {
  list = list || (await get('/v1/publication-list'));
  return list;
}

export function invalidateList() {
  list = null;
}

/**
 * The grants of this department that are active and in their window now: what the form offers.
 * The list check (POST /v1/publication-list:check) stays the judge of every choice.
 */
export function grantsFor(publicationList, department, nowMs) {
  return (publicationList.grants || []).filter((g) => g.department === department
    && g.status === 'GRANT_STATUS_ACTIVE'
    && (!g.effectiveFrom || Date.parse(g.effectiveFrom) <= nowMs)
    && (!g.effectiveUntil || Date.parse(g.effectiveUntil) > nowMs));
}

export const hazardName = (publicationList, code) => ((publicationList.hazards || []).find((x) => x.code === code) || {}).name || code;
export const districtName = (publicationList, code) => (code === '310000' ? '全市' : ((publicationList.districts || []).find((x) => x.code === code) || {}).name || code);

/** Server-sent events for this page ("delivery" of warningId, "list"); returns the closer. */
export function follow(warningId, handlers) {
  const source = new EventSource(`/console/events${warningId ? `?warning=${encodeURIComponent(warningId)}` : ''}`);
  for (const [name, handler] of Object.entries(handlers)) source.addEventListener(name, handler);
  source.addEventListener('open', () => document.body.classList.add('live'));
  return () => {
    source.close();
    document.body.classList.remove('live');
  };
}

/**
 * Every page of ListWarnings for this query (bounded: 2,000 warnings, 100 calls). A page looks at a
 * part of the history only, so it can be short or empty and still have a next token.
 */
export async function allWarnings(query) {
  const warnings = [];
  let pageToken = '';
  for (let i = 0; i < 100 && warnings.length < 2000; i++) {
    const page = await get('/v1/warnings', { ...query, pageSize: 200, pageToken });
    warnings.push(...(page.warnings || []));
    pageToken = page.nextPageToken || '';
    if (!pageToken) break;
  }
  return warnings;
}

/** A table of warnings in the order given (the desk asks for newest first), each linking to its page. */
export function warningTable(publicationList, warnings, extra = () => null) {
  if (warnings.length === 0) return h('p', {}, t('noWarnings'));
  return h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, [t('headline'), t('hazard'), t('level'), t('state'), t('updatedAt'), ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, warnings.map((w) => {
      const c = w.content || {};
      const zh = (c.texts || []).find((x) => x.language === 'zh-CN') || {};
      return h('tr', { dataset: { warning: w.id } },
        h('td', {}, h('a', { href: `#/warning/${w.id}` }, zh.headline || w.id)),
        h('td', {}, hazardName(publicationList, c.hazard)),
        h('td', {}, h('span', { class: `level ${c.level || 'none'}` }, levelName(c.level || ''))),
        h('td', {}, stateName(w.state)),
        h('td', {}, show(w.updatedAt)),
        h('td', {}, extra(w)));
    })));
}
