// The district map: the districts' own GeoJSON as the base layer (works offline; a tile layer is
// drawn under it when the platform configures one), districts chosen by clicking, polygons and
// circles drawn with Leaflet-Geoman. A list of district checkboxes beside it does the same for the
// keyboard and screen readers.
import { get } from './api.js';
import { h } from './dom.js';
import { lang, t } from './i18n.js';

const vendor = '/console/assets/vendor';
let libraries;

function load(tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement(tag), attributes);
    element.onload = resolve;
    element.onerror = () => reject(new Error(`cannot load ${attributes.src || attributes.href}`));
    document.head.append(element);
  });
}

export function loadLibraries() {
  libraries = libraries || Promise.all([
    load('link', { rel: 'stylesheet', href: `${vendor}/leaflet-1.9.4/leaflet.css` }),
    load('link', { rel: 'stylesheet', href: `${vendor}/leaflet-geoman-free-2.20.2/leaflet-geoman.css` }),
    load('script', { src: `${vendor}/leaflet-1.9.4/leaflet.js` }),
  ]).then(() => load('script', { src: `${vendor}/leaflet-geoman-free-2.20.2/leaflet-geoman.min.js` }));
  return libraries;
}

const styleOf = (on) => ({ color: '#35506b', weight: 1, fillColor: on ? '#c0392b' : '#7fa7c9', fillOpacity: on ? 0.55 : 0.15 });

/**
 * Builds the map in container. districts: [{code, name}]; initial: {districts, polygons, circles}
 * as WarningContent has them; onChange() after every change. Returns the widget's reader.
 */
export async function districtMap(container, districts, initial, onChange) {
  const selected = new Set(initial.districts || []);
  const mapBox = h('div', { class: 'map', id: 'map', role: 'application', 'aria-label': t('districtsHelp') });
  const boxes = new Map();
  const list = h('fieldset', { class: 'district-list', id: 'f-districts' }, h('legend', {}, t('districts')),
    districts.map((d) => {
      const box = h('input', { type: 'checkbox', value: d.code, checked: selected.has(d.code), dataset: { district: d.code } });
      boxes.set(d.code, box);
      box.addEventListener('change', () => toggle(d.code, box.checked));
      return h('label', {}, box, ` ${d.name}`);
    }));
  const shapesInfo = h('p', { class: 'help', id: 'shapes-info', 'aria-live': 'polite' });
  container.append(h('div', { class: 'map-wrap' }, mapBox, list), shapesInfo);

  const [, data, config] = await Promise.all([loadLibraries(), get('/console/assets/data/districts.geojson'), get('/console/config')]);
  const L = window.L;
  const map = L.map(mapBox, { zoomSnap: 0.25, attributionControl: Boolean(config.tileUrl), keyboard: true });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  const layers = new Map();
  const base = L.geoJSON(data, {
    pmIgnore: true,
    style: (f) => styleOf(selected.has(f.properties.code)),
    onEachFeature: (feature, layer) => {
      layers.set(feature.properties.code, layer);
      layer.bindTooltip(feature.properties.name, { sticky: true });
      layer.on('click', () => {
        if (map.pm.globalDrawModeEnabled() || map.pm.globalRemovalModeEnabled() || map.pm.globalEditModeEnabled()) return;
        toggle(feature.properties.code, !selected.has(feature.properties.code));
      });
    },
  }).addTo(map);
  map.fitBounds(base.getBounds());
  // The paths exist once the map has a view: name each by its district (for tests and tools).
  for (const [code, layer] of layers) layer.getElement()?.setAttribute('data-map-district', code);
  map.pm.setLang(lang() === 'en' ? 'en' : 'zh');
  map.pm.addControls({
    position: 'topleft', drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawRectangle: false, drawText: false,
    cutPolygon: false, rotateMode: false, dragMode: false, drawPolygon: true, drawCircle: true, editMode: true, removalMode: true,
  });

  // Geoman's buttons are links named only by their container's title: give them that name.
  for (const button of mapBox.querySelectorAll('a.leaflet-buttons-control-button')) {
    button.setAttribute('aria-label', button.parentElement.title || button.textContent);
  }

  const shapes = new Set();
  const changed = () => {
    const polygons = [...shapes].filter((s) => !(s instanceof L.Circle)).length;
    shapesInfo.textContent = `${t('shapes')}: ${polygons} ⬠ · ${shapes.size - polygons} ◯`;
    onChange();
  };
  const keep = (layer) => {
    shapes.add(layer);
    layer.on('pm:edit', changed);
  };
  for (const p of initial.polygons || []) keep(L.polygon((p.points || []).slice(0, -1).map((x) => [x.latitude, x.longitude])).addTo(map));
  for (const c of initial.circles || []) keep(L.circle([c.center.latitude, c.center.longitude], { radius: c.radiusKm * 1000 }).addTo(map));
  map.on('pm:create', (e) => {
    keep(e.layer);
    changed();
  });
  map.on('pm:remove', (e) => {
    shapes.delete(e.layer);
    changed();
  });

  function toggle(code, on) {
    if (on) selected.add(code);
    else selected.delete(code);
    if (boxes.has(code)) boxes.get(code).checked = on;
    if (layers.has(code)) layers.get(code).setStyle(styleOf(on));
    onChange();
  }

  return {
    map,
    districts: () => [...selected].sort(),
    setDistricts(codes) {
      for (const code of [...selected]) toggle(code, false);
      for (const code of codes) toggle(code, true);
    },
    polygons: () => [...shapes].filter((s) => !(s instanceof L.Circle)).map((s) => {
      const ring = s.getLatLngs()[0].map((p) => ({ latitude: p.lat, longitude: p.lng }));
      return { points: ring.length ? [...ring, ring[0]] : [] };
    }),
    circles: () => [...shapes].filter((s) => s instanceof L.Circle)
      .map((s) => ({ center: { latitude: s.getLatLng().lat, longitude: s.getLatLng().lng }, radiusKm: s.getRadius() / 1000 })),
  };
}
