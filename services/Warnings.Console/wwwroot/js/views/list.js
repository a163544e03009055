// The publication list (list admin): grants with filters, the grant editor (errors at their
// fields; a preview of the change and a reason before saving), suspend and retire, the history
// (who, when, why, what) and the list as at any date.
import { get, post, requestId } from '../api.js';
import { field, h, mount, toast } from '../dom.js';
import { t } from '../i18n.js';
import { currentList, districtName, hazardName, invalidateList } from '../data.js';
import { show } from '../time.js';
import { fromApiError } from '../violations.js';
import { grantEditor } from '../grant-editor.js';
import { templateEditor, templateTable } from '../template-editor.js';

export const name = 'list';

const statusWords = { GRANT_STATUS_ACTIVE: '生效 Active', GRANT_STATUS_SUSPENDED: '暂停 Suspended', GRANT_STATUS_RETIRED: '停用 Retired' };

export async function render(main) {
  const tableBox = h('div', { id: 'grants' });
  const editorBox = h('div', { id: 'editor' });
  const historyBox = h('div', { id: 'history' });
  const asAtBox = h('div', { id: 'as-at' });
  const filters = {
    department: h('select', { id: 'filter-department' }),
    hazard: h('select', { id: 'filter-hazard' }),
    status: h('select', { id: 'filter-status' }, h('option', { value: '' }, t('all')), Object.entries(statusWords).map(([v, w]) => h('option', { value: v }, w))),
  };
  const asAt = h('input', { type: 'datetime-local', id: 'as-at-date' });
  const templatesBox = h('div', { id: 'templates' });
  const templateEditorBox = h('div', { id: 'template-editor' });
  let list;

  mount(main, h('h1', {}, t('navList')),
    h('section', { 'aria-labelledby': 'grants-title' }, h('h2', { id: 'grants-title' }, t('grants')),
      h('div', { class: 'row filters' }, field('filter-department', t('department'), filters.department), field('filter-hazard', t('hazard'), filters.hazard),
        field('filter-status', t('status'), filters.status),
        h('button', { type: 'button', id: 'new-grant', onclick: () => edit(null) }, t('newGrant'))),
      tableBox),
    editorBox,
    h('section', { 'aria-labelledby': 'templates-title' }, h('h2', { id: 'templates-title' }, t('templates')), templatesBox, templateEditorBox),
    h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, t('listHistory')), historyBox),
    h('section', { 'aria-labelledby': 'as-at-title' }, h('h2', { id: 'as-at-title' }, t('listAt')),
      h('div', { class: 'row' }, field('as-at-date', t('at'), asAt), h('button', { type: 'button', id: 'show-as-at', onclick: showAsAt }, t('show'))), asAtBox));

  for (const select of Object.values(filters)) select.addEventListener('change', drawTable);

  async function load() {
    invalidateList();
    list = await currentList();
    const keep = (s) => s.value;
    const [d, hz] = [keep(filters.department), keep(filters.hazard)];
    mount(filters.department, h('option', { value: '' }, t('all')), (list.departments || []).map((x) => h('option', { value: x.code, selected: x.code === d }, `${x.code} ${x.name}`)));
    mount(filters.hazard, h('option', { value: '' }, t('all')), (list.hazards || []).map((x) => h('option', { value: x.code, selected: x.code === hz }, x.name)));
    drawTable();
    mount(templatesBox, templateTable(list, editTemplate));
    await drawHistory();
  }

  function drawTable() {
    mount(tableBox, grantTable(list, (list.grants || []).filter((g) => (!filters.department.value || g.department === filters.department.value)
      && (!filters.hazard.value || g.hazard === filters.hazard.value) && (!filters.status.value || g.status === filters.status.value)), edit));
  }

  async function drawHistory() {
    const history = await get('/v1/publication-list:listHistory', { pageSize: 20 });
    mount(historyBox, h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, [t('version'), t('at'), t('by'), t('reason'), t('changes')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (history.changes || []).map((c) => h('tr', { dataset: { version: c.version } },
        h('td', {}, String(c.version)), h('td', {}, show(c.at)), h('td', {}, c.by), h('td', { class: 'reason' }, c.reason), h('td', {}, (c.changes || []).join('; ')))))));
  }

  async function showAsAt() {
    if (!asAt.value) return;
    const { fromLocal } = await import('../time.js');
    const then = await get('/v1/publication-list', { at: fromLocal(asAt.value) });
    mount(asAtBox, h('p', {}, `v${then.version} · ${show(then.editedAt)} · ${then.editedBy || ''}`), grantTable(then, then.grants || [], null));
  }

  function edit(grant) {
    mount(editorBox, grantEditor(list, grant, {
      save: async (edited, reason) => run('upsertGrant', { grant: edited, reason }),
      suspend: async (id, reason) => run('suspendGrant', { grantId: id, reason }),
      retire: async (id, reason) => run('retireGrant', { grantId: id, reason }),
    }));
    editorBox.scrollIntoView();
  }

  function editTemplate(template) {
    mount(templateEditorBox, templateEditor(list, template, {
      save: async (edited, reason) => run('upsertTemplate', { template: edited, reason }),
      retire: async (id, reason) => run('retireTemplate', { templateId: id, reason }),
    }));
    templateEditorBox.scrollIntoView();
  }

  async function run(action, body) {
    try {
      await post(`/v1/publication-list:${action}`, { requestId: requestId(), expectedVersion: list.version, ...body });
      toast(`${t('confirm')} ✓`);
      mount(editorBox);
      mount(templateEditorBox);
      await load();
      return [];
    } catch (e) {
      toast(`${t('refused')}: ${e.message} (${e.reason})`, 'error');
      return fromApiError(e);
    }
  }

  await load();
  return undefined;
}

function grantTable(list, grants, onEdit) {
  return h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, ['id', t('department'), t('hazard'), t('level'), t('areas'), t('status'), ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, grants.map((g) => h('tr', { dataset: { grant: g.id } },
      h('td', {}, g.id), h('td', {}, g.department), h('td', {}, hazardName(list, g.hazard)),
      h('td', {}, (g.levels || []).map((l) => l.level || '—').join(' ')), h('td', {}, (g.areas || []).map((a) => districtName(list, a)).join(' ')),
      h('td', {}, statusWords[g.status] || g.status || ''),
      h('td', {}, onEdit ? h('button', { type: 'button', dataset: { edit: g.id }, onclick: () => onEdit(g) }, t('edit')) : null)))));
}
