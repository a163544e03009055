// New warning and draft editing (duty officer): save, edit, submit.
import { get, post, requestId } from '../api.js';
import { h, mount, toast } from '../dom.js';
import { t } from '../i18n.js';
import { warningForm } from '../form.js';
import { fromApiError } from '../violations.js';

export const name = 'draft';

export async function render(main, warningId) {
  let id = warningId;
  const existing = id ? await get(`/v1/warnings/${encodeURIComponent(id)}`) : null;
  const page = h('div', {});
  mount(main, h('h1', {}, id ? `${t('edit')} · ${id}` : t('navNew')), page);
  let form;

  async function save() {
    const content = form.read();
    try {
      const template = id ? null : form.templated(content);
      const warning = id
        ? await post('/v1/warnings:editDraft', { requestId: requestId(), warningId: id, content })
        : await post('/v1/warnings', template
          ? { requestId: requestId(), content: { ...content, texts: template.texts }, fromTemplate: template.fromTemplate }
          : { requestId: requestId(), content });
      if (template) form.saved(warning);
      id = warning.id;
      history.replaceState(null, '', `#/edit/${id}`);
      main.dataset.warning = id;
      toast(t('saved'));
      return warning;
    } catch (e) {
      form.show(fromApiError(e), { channels: content.channels, languages: content.texts.map((x) => x.language) });
      toast(`${t('refused')}: ${e.message} (${e.reason})`, 'error');
      return null;
    }
  }

  async function submit() {
    if (!(await save())) return;
    try {
      await post('/v1/warnings:submit', { requestId: requestId(), warningId: id });
      toast(t('submitted'));
      location.hash = `#/warning/${id}`;
    } catch (e) {
      const content = form.read();
      form.show(fromApiError(e), { channels: content.channels, languages: content.texts.map((x) => x.language) });
      toast(`${t('refused')}: ${e.message} (${e.reason})`, 'error');
    }
  }

  form = await warningForm(page, existing ? existing.content : null, () => [
    h('button', { type: 'button', id: 'save', onclick: save }, t('save')),
    h('button', { type: 'button', id: 'submit', class: 'primary', onclick: submit }, t('submit')),
  ]);
  return form.close;
}
