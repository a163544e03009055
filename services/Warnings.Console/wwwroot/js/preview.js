// The live preview of SMS segments and cell-broadcast pages, rendered by the platform's dispatch
// renderer (POST /v1/dispatch:previewRendering): the console has no copy of the rendering rules.
import { post } from './api.js';
import { h, mount } from './dom.js';
import { channelName, t } from './i18n.js';

const SHOWN = ['sms', 'network_sms', 'cell_broadcast'];

export async function renderPreview(box, content, responseMeasures, kind = 'Alert', note = '') {
  const channels = (content.channels || []).filter((c) => SHOWN.includes(c));
  if (channels.length === 0 || !(content.texts || []).some((x) => x.headline)) {
    mount(box);
    return;
  }
  let response;
  try {
    response = await post('/v1/dispatch:previewRendering', { content: { ...content, channels }, responseMeasures, kind, note });
  } catch (e) {
    mount(box, h('p', { class: 'help' }, `${t('preview')}: ${e.message} (${e.reason})`));
    return;
  }
  mount(box, (response.channels || []).map((c) => h('section', { class: 'preview', dataset: { channel: c.channel } },
    h('h3', {}, channelName(c.channel)),
    (c.languages || []).map((l) => {
      const parts = l.parts || [];
      const info = c.channel === 'cell_broadcast'
        ? t('cbInfo', parts.length, l.charactersLeft || 0, l.maxParts || 15)
        : t('smsInfo', parts.length, l.charactersLeft || 0);
      return h('div', { class: 'lang-preview', lang: l.language, dataset: { language: l.language, parts: parts.length, left: l.charactersLeft || 0 } },
        h('p', { class: 'count' }, `${l.language} · ${info}`),
        h('ol', {}, parts.map((p) => h('li', {}, p))));
    }))));
}
