// Where it happened: a tap on the district map (the districts' own GeoJSON, no tiles needed, so it
// works offline) or the device's position. The platform's check of the point is shown by the form.
import { get } from '../api.js';
import { h } from '../dom.js';
import { loadLibraries } from '../map.js';
import { t } from '../i18n.js';

const styleOf = (own) => ({ color: '#35506b', weight: own ? 2 : 1, fillColor: own ? '#0b4f8a' : '#7fa7c9', fillOpacity: own ? 0.25 : 0.08 });

/** The map in container, centred on district; onPick({latitude, longitude}) on every tap. Returns {set(point)}. */
export async function locationMap(container, district, initial, onPick) {
  const box = h('div', { class: 'map report-map', id: 'r-map', role: 'application', 'aria-label': t('rMapHelp') });
  container.append(box);
  const [, data, config] = await Promise.all([loadLibraries(), get('/console/assets/data/districts.geojson'), get('/console/config')]);
  const L = window.L;
  const map = L.map(box, { zoomSnap: 0.25, attributionControl: Boolean(config.tileUrl), keyboard: true });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  let own = null;
  const base = L.geoJSON(data, {
    pmIgnore: true,
    style: (f) => styleOf(f.properties.code === district),
    onEachFeature: (feature, layer) => {
      if (feature.properties.code === district) own = layer;
      layer.bindTooltip(feature.properties.name, { sticky: true });
    },
  }).addTo(map);
  map.fitBounds((own || base).getBounds());
  let marker = null;
  const set = (point) => {
    if (marker) marker.remove();
    marker = point ? L.circleMarker([point.latitude, point.longitude], { radius: 8, color: '#a4161a', weight: 3, fillOpacity: 0.6 }).addTo(map) : null;
  };
  set(initial);
  map.on('click', (e) => {
    const point = { latitude: Number(e.latlng.lat.toFixed(6)), longitude: Number(e.latlng.lng.toFixed(6)) };
    set(point);
    onPick(point);
  });
  return { map, set };
}
