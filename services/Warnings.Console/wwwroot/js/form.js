// The warning form (new draft, edit, update): hazard, level and channels from the department's
// grants in force, districts and shapes on the map, Shanghai times, zh-CN and en texts; the list
// check runs on every change and its violations appear at their fields; the SMS and cell-broadcast
// preview comes from the dispatch renderer.
import { post } from './api.js';
import { debounce, field, h, mount } from './dom.js';
import { channelName, levelName, t } from './i18n.js';
import { serverNow, session } from './app.js';
import { currentList, districtName, follow, grantsFor, hazardName, invalidateList } from './data.js';
import { districtMap } from './map.js';
import { renderPreview } from './preview.js';
import { fromLocal, toLocal } from './time.js';
import { clearViolations, fromApiError, showViolations, summaryTitle } from './violations.js';
import { templateChooser } from './templates.js';

const LANGS = ['zh-CN', 'en'];

/**
 * Renders the form into main. content: the WarningContent to start from (or null for a new one).
 * actions(form): the buttons under the form (save, submit, publish an update…). Returns
 * { read, check, close } where read() is the WarningContent as filled in.
 */
export async function warningForm(main, content, actions, kind = 'Alert') {
  let list = await currentList();
  const start = content || {};
  const hazard = h('select', { required: true });
  const level = h('select', {});
  const channelsBox = h('fieldset', { class: 'channels', id: 'f-channels' }, h('legend', {}, t('channels')));
  const onset = h('input', { type: 'datetime-local', value: toLocal(start.onsetAt || new Date(serverNow()).toISOString()) });
  const expires = h('input', { type: 'datetime-local', value: toLocal(start.expiresAt || new Date(serverNow() + 12 * 3600e3).toISOString()) });
  const texts = Object.fromEntries(LANGS.map((l) => {
    const given = (start.texts || []).find((x) => x.language === l) || {};
    return [l, {
      headline: h('input', { type: 'text', maxlength: 100, value: given.headline || '', lang: l }),
      description: h('textarea', { rows: 3, maxlength: 2000, lang: l }, given.description || ''),
      instruction: h('textarea', { rows: 2, maxlength: 2000, lang: l }, given.instruction || ''),
    }];
  }));
  const contact = h('input', { type: 'text', value: start.contact || '' });
  const mapBox = h('div', { class: 'field map-field' });
  const checkBox = h('section', { class: 'check', 'aria-labelledby': 'check-title' }, h('h2', { id: 'check-title' }, t('check')),
    h('p', { id: 'check-state', class: 'check-state' }), h('div', { class: 'messages', id: 'f-summary-messages', 'aria-live': 'polite' }));
  const previewBox = h('div', { id: 'preview' });
  const previewNote = h('p', { class: 'help', id: 'preview-note', 'aria-live': 'polite' });
  const form = h('form', { class: 'warning-form', novalidate: true, onsubmit: (e) => e.preventDefault() });
  const chooser = templateChooser(() => ({ department: session.department, hazard: hazard.value }), (template) => fill(template));

  mount(main, form);
  form.append(
    h('div', { class: 'form-main' },
      chooser.element,
      h('div', { class: 'row' }, field('f-hazard', t('hazard'), hazard), field('f-level', t('level'), level)),
      channelsBox,
      mapBox,
      h('div', { class: 'row' }, field('f-onset', t('onset'), onset), field('f-expires', t('expires'), expires)),
      h('fieldset', { id: 'f-texts' }, h('legend', {}, `${t('textZh')} / ${t('textEn')}`),
        h('div', { class: 'messages', id: 'f-texts-messages' }),
        h('div', { class: 'row' }, LANGS.map((l) => h('div', { class: 'lang-col', lang: l },
          h('h3', {}, l === 'zh-CN' ? t('textZh') : t('textEn')),
          field(`f-${l}-headline`, t('headline'), texts[l].headline),
          field(`f-${l}-description`, t('description'), texts[l].description),
          field(`f-${l}-instruction`, t('instruction'), texts[l].instruction))))),
      field('f-contact', t('contact'), contact),
      h('div', { class: 'actions' }, actions(form))),
    h('aside', { class: 'form-side', tabindex: 0, 'aria-label': `${t('check')} / ${t('preview')}` }, checkBox, h('section', { 'aria-labelledby': 'preview-title' }, h('h2', { id: 'preview-title' }, t('preview')), previewNote, previewBox)));

  function grant() {
    return grantsFor(list, session.department, serverNow()).find((g) => g.hazard === hazard.value);
  }

  function fillHazards(selectedHazard) {
    const grants = grantsFor(list, session.department, serverNow());
    const codes = grants.map((g) => g.hazard);
    if (selectedHazard && !codes.includes(selectedHazard)) codes.unshift(selectedHazard);
    mount(hazard, codes.map((c) => h('option', { value: c, selected: c === selectedHazard }, hazardName(list, c))));
  }

  function fillLevels(selectedLevel) {
    const levels = ((grant() || {}).levels || []).map((l) => l.level || '');
    if (selectedLevel !== undefined && !levels.includes(selectedLevel)) levels.push(selectedLevel);
    mount(level, levels.map((l) => h('option', { value: l, selected: l === selectedLevel }, levelName(l))));
  }

  // The channels the grant allows at this level, and any chosen one it does not (shown, so its
  // violation can be read and the box unticked).
  function fillChannels(chosen) {
    const rule = ((grant() || {}).levels || []).find((l) => (l.level || '') === level.value) || {};
    const offered = [...new Set([...(rule.channels || []), ...chosen])];
    channelsBox.replaceChildren(h('legend', {}, t('channels')), ...offered.map((c) => h('div', { class: 'channel', id: `ch-${c}`, dataset: { channel: c } },
      h('label', {}, h('input', { type: 'checkbox', value: c, checked: chosen.includes(c), onchange: changed }), ` ${channelName(c)}`),
      h('div', { class: 'messages', id: `ch-${c}-messages` }))),
    h('div', { class: 'messages', id: 'f-channels-messages' }));
  }

  const chosenChannels = () => [...channelsBox.querySelectorAll('input:checked')].map((x) => x.value);

  function read() {
    const written = LANGS.map((l) => ({ language: l, headline: texts[l].headline.value.trim(), description: texts[l].description.value.trim(), instruction: texts[l].instruction.value.trim() }))
      .filter((x) => x.language === 'zh-CN' || x.headline || x.description || x.instruction);
    return {
      hazard: hazard.value, level: level.value, districts: areas.districts(), onsetAt: fromLocal(onset.value), expiresAt: fromLocal(expires.value),
      channels: chosenChannels(), texts: written, contact: contact.value.trim(), polygons: areas.polygons(), circles: areas.circles(),
    };
  }

  let lastCheck = { responseMeasures: [] };
  let checking = 0;
  async function check() {
    const c = read();
    const request = { department: session.department, hazard: c.hazard, level: c.level, areas: c.districts, channels: c.channels,
      onsetAt: c.onsetAt, expiresAt: c.expiresAt, languages: c.texts.map((x) => x.language) };
    const mine = ++checking;
    const state = form.querySelector('#check-state');
    if (request.areas.length === 0 || request.channels.length === 0) {
      // The check needs somewhere and some way to warn; until then say what is missing.
      clearViolations(form);
      state.textContent = t('checkNeeds');
      state.className = 'check-state';
      form.dataset.allowed = 'false';
      return lastCheck;
    }
    form.dataset.checking = 'true';
    let result;
    try {
      result = await post('/v1/publication-list:check', request);
    } catch (e) {
      showViolations(form, fromApiError(e), request);
      form.dataset.checking = 'false';
      return lastCheck;
    }
    if (mine !== checking) return lastCheck;
    lastCheck = result;
    const violations = result.violations || [];
    showViolations(form, violations, request);
    state.textContent = summaryTitle(result.allowed, result.listVersion);
    state.className = `check-state ${result.allowed ? 'ok' : 'bad'}`;
    form.dataset.allowed = String(Boolean(result.allowed));
    form.dataset.listVersion = result.listVersion;
    form.dataset.checking = 'false';
    // A template's placeholders are filled by the platform when the draft is saved; until then the preview shows them as written.
    previewNote.textContent = templateId ? t('previewTemplate') : '';
    renderPreview(previewBox, c, result.responseMeasures || [], kind);
    return result;
  }

  const changed = debounce(() => check(), 250);

  // A template: its level and texts. Fields left as the template wrote them are sent empty with
  // from_template, so the platform fills them; what the officer edits wins.
  let templateId = '';
  function fill(template) {
    templateId = template.id;
    fillHazards(template.hazard || hazard.value);
    fillLevels(template.level ?? level.value);
    fillChannels(chosenChannels());
    setTexts(template.texts || [], true);
    changed();
  }

  function setTexts(given, fromTemplate) {
    for (const x of given) {
      if (!texts[x.language]) continue;
      for (const k of ['headline', 'description', 'instruction']) {
        texts[x.language][k].value = x[k] || '';
        if (fromTemplate) texts[x.language][k].dataset.fromTemplate = 'true';
        else delete texts[x.language][k].dataset.fromTemplate;
      }
    }
  }

  /** The draft request's template part: {templateId} and the texts with untouched template fields left empty. */
  function templated(content) {
    if (!templateId) return null;
    const blank = (l, k) => (texts[l][k].dataset.fromTemplate === 'true' ? '' : texts[l][k].value.trim());
    return {
      fromTemplate: { templateId },
      texts: LANGS.map((l) => ({ language: l, headline: blank(l, 'headline'), description: blank(l, 'description'), instruction: blank(l, 'instruction') }))
        .filter((x) => x.headline || x.description || x.instruction || content.texts.some((y) => y.language === x.language)),
    };
  }

  fillHazards(start.hazard || (grantsFor(list, session.department, serverNow())[0] || {}).hazard);
  fillLevels(start.level ?? undefined);
  fillChannels(start.channels || []);
  hazard.addEventListener('change', () => { fillLevels(undefined); fillChannels(chosenChannels()); chooser.refresh(); changed(); });
  level.addEventListener('change', () => { fillChannels(chosenChannels()); chooser.refresh(); changed(); });
  for (const input of [onset, expires, contact, ...LANGS.flatMap((l) => Object.values(texts[l]))]) input.addEventListener('input', changed);
  for (const input of LANGS.flatMap((l) => Object.values(texts[l]))) input.addEventListener('input', () => delete input.dataset.fromTemplate);

  const districts = [{ code: '310000', name: districtName(list, '310000') }, ...(list.districts || []).filter((d) => d.code !== '310000')];
  const areas = await districtMap(mapBox, districts, start, changed);
  chooser.refresh();

  // The list may change while the form is open (a list admin's edit): check again at once.
  const stop = follow(null, {
    list: async () => {
      invalidateList();
      list = await currentList();
      fillChannels(chosenChannels());
      await check();
    },
  });
  await check();
  form.dataset.ready = 'true';
  return {
    form, read, check, close: stop, templated,
    // After the platform made the draft: its filled texts, and no template any more.
    saved(warning) {
      templateId = '';
      setTexts((warning.content || {}).texts || [], false);
      changed();
    }, clear: () => clearViolations(form), show: (v, r) => showViolations(form, v, r) };
}
