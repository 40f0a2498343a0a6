/* geomap serve: the store map (bbox fetches as the map moves, filters, downloads) and the
 * article page (parse, show, add to the store). Every string from an article goes into the
 * page with textContent; nothing from the API is ever parsed as markup. */
(function () {
  'use strict';
  var settings = geomap.data('geomap-settings');
  var typeLabels = settings.types;
  var PAGE_LIMIT = 5000;
  var REFRESH_MS = 5000;  // how often the store map asks whether something new came in

  function el(tag, className, text, parent) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function setStatus(text, isError) {
    var out = document.getElementById('status');
    out.textContent = text;
    out.classList.toggle('gm-error', !!isError);
  }

  function newMap() {
    var map = L.map('map', {worldCopyJump: true, zoomSnap: 0.5, minZoom: 1, maxZoom: 14}).setView([25, 20], 2);
    fetch('/static/basemap.json').then(function (r) { return r.json(); }).then(function (shapes) {
      geomap.basemap(map, shapes.land, settings.basemapStyle, shapes.labels);
    });
    var legend = L.control({position: 'bottomright'});
    legend.onAdd = function () { return document.getElementById('legend'); };
    legend.addTo(map);
    return map;
  }

  /* An incident (GeoJSON properties or a parsed-article incident) as the panel's row data. */
  function incidentData(p, lat, lon) {
    var t = typeLabels[p.incident_type] ? p.incident_type : 'other';
    var approx = p.location_name && p.uncertainty_km > 2 ? ' (approx.)' : '';
    return {t: t, date: p.date || null, place: p.location_name && p.location_name + approx, f: p.fatalities,
      lat: lat, lon: lon, props: p};
  }

  function popup(d) {
    var p = d.props, box = el('div', 'geomap-popup');
    var head = el('b', '', null, box);
    el('i', 'geomap-icon geomap-i-' + d.t, null, head);
    head.appendChild(document.createTextNode(typeLabels[d.t] + ' \u00b7 ' + (d.date || 'date unknown')));
    var within = p.uncertainty_km > 2 ? ', approx., within ' + p.uncertainty_km + ' km' : '';
    var told = p.offset ? p.offset.text + ' ' + p.offset.anchor + ': ' : '';
    el('div', '', (p.location_name || 'place not named') + (p.country_code ? ' (' + p.country_code + ')' : ''), box);
    if (p.precision && p.uncertainty_km !== null && p.uncertainty_km !== undefined) {
      el('small', '', told + p.precision + within, box);
    }
    if (p.fatalities !== null && p.fatalities !== undefined) {
      var range = p.fatalities_range && p.fatalities_range[0] !== p.fatalities_range[1] ?
        ' (sources say ' + p.fatalities_range[0] + '\u2013' + p.fatalities_range[1] + ')' : '';
      el('div', '', 'Fatalities: ' + p.fatalities + range, box);
    }
    el('blockquote', '', p.sentence, box);
    if (p.source_count !== undefined) {
      el('small', '', p.source_count + (p.source_count === 1 ? ' source: ' : ' sources: ') +
        p.sources.join(', '), box);
    }
    if (p.reviewed) { el('div', 'gm-reviewed', 'Reviewed by an analyst', box); }
    if (review) { review(p, box); }
    return box;
  }

  // The store page sets this: it adds the review part of an incident's popup.
  var review = null;
  var lastPopup = null;  // the incident popup opened last

  function send(method, path, payload) {
    return fetch(path, {method: method, headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(payload)}).then(function (r) {
      return r.json().then(function (data) { return {ok: r.ok, status: r.status, body: data}; },
        function () { return {ok: false, status: r.status, body: {error: 'HTTP ' + r.status}}; });
    });
  }

  /* The review part of a stored incident's popup: its sources, a form to correct it, dismiss,
     and merge with another incident selected the same way. Every value is set as text. */
  function reviewer(reload) {
    var selected = null;  // {id, label}: the incident chosen to merge another into
    return function (p, box) {
      var part = el('div', 'gm-review', null, box);
      L.DomEvent.disableClickPropagation(part);  // a click in the form is not a click on the map
      var open = el('button', '', 'Review\u2026', part);
      open.type = 'button';
      open.addEventListener('click', function () {
        open.hidden = true;
        var id = encodeURIComponent(p.id), msg = el('div', 'gm-review-msg', null);
        function done(res) {
          if (res.ok) { msg.textContent = 'Saved.'; reload(); } else {
            msg.textContent = res.body.error || ('HTTP ' + res.status);
          }
        }
        fetch('/api/incidents/' + id).then(function (r) { return r.json(); }).then(function (f) {
          var list = el('ul', 'gm-sources', null, part);
          f.properties.sources.forEach(function (s) {
            var item = el('li', '', null, list);
            var name = s.title || s.article_id;
            if (s.url && /^https?:\/\//i.test(s.url)) {
              var a = el('a', '', name, item);
              a.href = s.url; a.target = '_blank'; a.rel = 'noopener noreferrer';
            } else { item.appendChild(document.createTextNode(name)); }
            if (s.date) { item.appendChild(document.createTextNode(' \u00b7 ' + s.date)); }
          });
          var form = el('form', 'gm-review-form', null, part);
          var type = el('select', '', null, el('label', '', 'Type ', form));
          type.name = 'incident_type';
          Object.keys(typeLabels).forEach(function (t) {
            var o = el('option', '', typeLabels[t], type);
            o.value = t;
            if (t === f.properties.incident_type) { o.selected = true; }
          });
          var killed = el('input', '', null, el('label', '', ' Killed ', form));
          killed.name = 'fatalities'; killed.type = 'number'; killed.min = '0'; killed.style.width = '5em';
          killed.value = f.properties.fatalities === null ? '' : String(f.properties.fatalities);
          var day = el('input', '', null, el('label', '', ' Date ', form));
          day.name = 'date'; day.size = 10; day.value = f.properties.date || '';
          var note = el('input', '', null, el('label', '', ' Note ', form));
          note.name = 'note'; note.size = 24;
          var save = el('button', '', 'Save', form);
          save.type = 'submit';
          form.addEventListener('submit', function (event) {
            event.preventDefault();
            var change = {};
            if (type.value !== f.properties.incident_type) { change.incident_type = type.value; }
            var k = killed.value.trim() === '' ? null : Number(killed.value);
            if (k !== f.properties.fatalities) { change.fatalities = k; }
            var d = day.value.trim() || null;
            if (d !== f.properties.date) { change.date = d; }
            if (note.value.trim()) { change.note = note.value.trim(); }
            send('PATCH', '/api/incidents/' + id, change).then(done);
          });
          var actions = el('div', 'gm-review-actions', null, part);
          var reason = el('input', '', null, actions);
          reason.name = 'reason'; reason.placeholder = 'why it is not an incident'; reason.size = 22;
          var dismiss = el('button', '', 'Dismiss', actions);
          dismiss.type = 'button';
          dismiss.addEventListener('click', function () {
            if (!reason.value.trim()) { msg.textContent = 'Say why it is dismissed.'; return; }
            send('POST', '/api/incidents/' + id + '/dismiss', {reason: reason.value.trim()}).then(done);
          });
          var pick = el('button', '', null, actions);
          pick.type = 'button';
          if (selected && selected.id !== p.id) {
            pick.textContent = 'Merge into ' + selected.label;
            pick.addEventListener('click', function () {
              var into = selected.id;
              selected = null;
              send('POST', '/api/incidents/' + id + '/merge', {into: into}).then(done);
            });
          } else {
            pick.textContent = 'Select to merge';
            pick.addEventListener('click', function () {
              selected = {id: p.id, label: (typeLabels[p.incident_type] || p.incident_type) +
                (p.location_name ? ' \u00b7 ' + p.location_name : '')};
              msg.textContent = 'Selected: open the incident it repeats and merge it into this one.';
            });
          }
          part.appendChild(msg);
          // the popup grew: set it as the content (not the function that first made it), which
          // also moves the map so that all of it shows
          if (lastPopup && lastPopup.isOpen()) { lastPopup.setContent(box); }
        });
      });
    };
  }

  function marker(d) {
    var m = L.marker([d.lat, d.lon], {icon: L.divIcon({
      className: 'geomap-incident geomap-i-' + d.t, iconSize: [16, 16]})});
    // kept clear of the incident panel in the map's top right corner when the map moves to show it
    m.bindPopup(function () { return popup(d); }, {maxWidth: 420, autoPanPaddingTopLeft: [20, 20],
      autoPanPaddingBottomRight: [290, 20]});
    m.on('popupopen', function (e) { lastPopup = e.popup; });
    // a node, not a string: Leaflet sets a string tooltip as HTML
    m.bindTooltip(el('span', '', typeLabels[d.t] + (d.place ? ' \u00b7 ' + d.place : '')));
    m.geomap = d;
    return m;
  }

  /* The marker cluster with the state the maps' incident panel reads (geomap.panel). */
  function incidentLayer(map) {
    var cluster = L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 40,
      spiderfyOnMaxZoom: true}).addTo(map);
    var listeners = [];
    var state = {markers: [], visible: function () { return true; },
      onRefresh: function (f) { listeners.push(f); f(); }};
    cluster.geomap = state;
    geomap.panel(map, cluster, typeLabels, 200);
    return {
      cluster: cluster,
      set: function (markers) {
        state.markers = markers;
        cluster.clearLayers();
        cluster.addLayers(markers);
        listeners.forEach(function (f) { f(); });
      }
    };
  }

  // ------------------------------------------------------------------ the store map

  /* The summary beside the store map: incidents and deaths over time (a Chart.js chart) and a
     table by place, country or type, both for the filters and the box the map shows. */
  function summaryPanel() {
    var box = document.getElementById('summary');
    var periodChoice = box.querySelector('select[name=period]');
    var groupChoice = box.querySelector('select[name=group]');
    var note = document.getElementById('chart-note');
    var body = document.querySelector('#by-place tbody');
    var chart = null, sequence = 0, last = null;

    function getJSON(path) {
      return fetch(path).then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) { throw new Error(data.error || ('HTTP ' + r.status)); }
          return data;
        });
      });
    }

    // incidents and deaths summed by one key of the rows, in the order keys first appear
    function totals(rows, key) {
      var byKey = {}, keys = [];
      rows.forEach(function (r) {
        var k = r[key] === null ? '' : r[key];
        if (!(k in byKey)) { byKey[k] = {key: r[key], incidents: 0, deaths: 0}; keys.push(k); }
        byKey[k].incidents += r.incidents;
        byKey[k].deaths += r.deaths;
      });
      return keys.map(function (k) { return byKey[k]; });
    }

    // every period from the first to the last (ISO days, or YYYY-MM), so that a quiet week shows as 0
    function periods(first, lastPeriod, period) {
      var out = [], guard = 0;
      var d = new Date(first + (period === 'month' ? '-01' : '') + 'T00:00:00Z');
      var end = new Date(lastPeriod + (period === 'month' ? '-01' : '') + 'T00:00:00Z');
      while (d <= end && guard++ < 5000) {
        out.push(period === 'month' ? d.toISOString().slice(0, 7) : d.toISOString().slice(0, 10));
        if (period === 'month') { d.setUTCMonth(d.getUTCMonth() + 1); } else {
          d.setUTCDate(d.getUTCDate() + (period === 'week' ? 7 : 1));
        }
      }
      return out;
    }

    function drawChart(rows, period) {
      var dated = rows.filter(function (r) { return r.key !== null; });
      dated.sort(function (a, b) { return a.key < b.key ? -1 : a.key > b.key ? 1 : 0; });
      var labels = dated.length ? periods(dated[0].key, dated[dated.length - 1].key, period) : [];
      var at = {};
      dated.forEach(function (r) { at[r.key] = r; });
      var incidents = labels.map(function (l) { return at[l] ? at[l].incidents : 0; });
      var deaths = labels.map(function (l) { return at[l] ? at[l].deaths : 0; });
      var undated = rows.filter(function (r) { return r.key === null; });
      note.hidden = !undated.length && !!window.Chart;
      note.textContent = (window.Chart ? '' : 'The chart needs Chart.js (Debian package libjs-chart.js); ' +
        'the table has the figures. ') + (undated.length ? undated[0].incidents + ' undated incident' +
        (undated[0].incidents === 1 ? ' is' : 's are') + ' not in the chart.' : '');
      if (!window.Chart) { return; }
      if (!chart) {
        chart = new window.Chart(document.getElementById('chart'), {
          type: 'bar',
          data: {labels: [], datasets: [
            {label: 'Incidents', data: [], backgroundColor: '#5b7f95', yAxisID: 'y', order: 2},
            {label: 'Deaths', type: 'line', data: [], borderColor: '#b00020', backgroundColor: '#b00020',
              pointRadius: 2, borderWidth: 1.5, yAxisID: 'deaths', order: 1}]},
          options: {animation: false, maintainAspectRatio: false, interaction: {mode: 'index', intersect: false},
            plugins: {legend: {labels: {boxWidth: 12}}},
            scales: {y: {beginAtZero: true, ticks: {precision: 0}, title: {display: true, text: 'incidents'}},
              deaths: {beginAtZero: true, position: 'right', ticks: {precision: 0},
                grid: {drawOnChartArea: false}, title: {display: true, text: 'deaths'}}}}
        });
      }
      chart.data.labels = labels;
      chart.data.datasets[0].data = incidents;
      chart.data.datasets[1].data = deaths;
      chart.update();
    }

    function drawTable(rows, group) {
      rows.sort(function (a, b) { return b.incidents - a.incidents || b.deaths - a.deaths; });
      body.textContent = '';
      var head = document.querySelector('#by-place thead th');
      head.textContent = {place: 'Place', country: 'Country', type: 'Type'}[group];
      rows.slice(0, 25).forEach(function (r) {
        var tr = el('tr', '', null, body);
        var name = r.key === null ? (group === 'type' ? 'other' : 'no location') :
          group === 'type' ? (typeLabels[r.key] || r.key) : r.key;
        el('td', '', name, tr);
        el('td', 'gm-num', r.incidents.toLocaleString('en'), tr);
        el('td', 'gm-num', r.deaths.toLocaleString('en'), tr);
      });
      if (rows.length > 25) { el('td', '', '\u2026 and ' + (rows.length - 25) + ' more', el('tr', '', null, body)); }
      if (!rows.length) { el('td', '', 'No incidents in view.', el('tr', '', null, body)); }
    }

    function show(q) {
      last = new URLSearchParams(q);
      var mine = ++sequence, period = periodChoice.value, group = groupChoice.value;
      var overTime = new URLSearchParams(last), byGroup = new URLSearchParams(last);
      overTime.set('group', 'type'); overTime.set('period', period);
      byGroup.set('group', group); byGroup.set('period', 'month');
      Promise.all([getJSON('/api/summary?' + overTime), getJSON('/api/summary?' + byGroup)]).then(function (res) {
        if (mine !== sequence) { return; }  // a newer view or filter is on its way
        drawChart(totals(res[0].rows, 'period'), period);
        drawTable(totals(res[1].rows, 'group'), group);
      }).catch(function (err) {
        if (mine === sequence) { note.hidden = false; note.textContent = 'Summary: ' + err.message; }
      });
    }

    periodChoice.addEventListener('change', function () { if (last) { show(last); } });
    groupChoice.addEventListener('change', function () { if (last) { show(last); } });
    return {show: show, chart: function () { return chart; }};
  }

  function storePage() {
    var map = newMap(), layer = incidentLayer(map), summary = summaryPanel();
    var groups = L.layerGroup().addTo(map);  // the server's clusters, when the view holds too many

    function groupMarker(f) {
      var p = f.properties, size = p.count < 100 ? 30 : p.count < 10000 ? 38 : 46;
      var label = document.createElement('span');
      label.textContent = p.count >= 10000 ? Math.round(p.count / 1000) + 'k' : String(p.count);
      var at = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      var m = L.marker(at, {icon: L.divIcon({className: 'gm-group', html: label, iconSize: [size, size]})});
      m.bindTooltip(document.createTextNode(p.count.toLocaleString('en') + ' incidents \u00b7 ' +
        p.deaths.toLocaleString('en') + ' deaths'));
      m.on('click', function () { map.setView(at, Math.min(map.getZoom() + 2, map.getMaxZoom())); });
      return m;
    }
    var form = document.getElementById('filters');
    var sequence = 0, timer = null, first = true;

    var FILTERS = ['since', 'until', 'type', 'country', 'q'];
    // The address holds the filters (/?type=a,b&since=2024-06&bbox=…), so a filtered map can be
    // shared: opened again, it shows the same incidents as the API gives for the same query.
    var given = new URLSearchParams(window.location.search);
    var types = form.elements.type;
    FILTERS.forEach(function (name) {
      var value = given.getAll(name).join(',');
      if (!value) { return; }
      if (name === 'type') {
        var chosen = value.split(',');
        Array.prototype.forEach.call(types.options, function (o) { o.selected = chosen.indexOf(o.value) >= 0; });
      } else { form.elements[name].value = value; }
    });
    var givenBox = given.get('bbox');
    var givenBounds = givenBox && givenBox.split(',').map(Number);
    if (givenBounds && givenBounds.length === 4 && givenBounds.every(isFinite)) {
      // at once, so that the first answer's clusters (if any) are cut for the zoom shown
      var b0 = givenBounds;
      map.fitBounds([[b0[1], b0[0]], [b0[3], b0[2] < b0[0] ? b0[2] + 360 : b0[2]]], {animate: false});
    }

    function filters() {
      var q = new URLSearchParams();
      FILTERS.forEach(function (name) {
        var value = name === 'type' ?
          Array.prototype.filter.call(types.options, function (o) { return o.selected; })
            .map(function (o) { return o.value; }).join(',') :
          form.elements[name].value.trim();
        if (value) { q.set(name, value); }
      });
      return q;
    }

    function viewBox() {
      var b = map.getBounds(), w = b.getWest(), e = b.getEast();
      if (e - w >= 360) { w = -180; e = 180; }
      function lon(x) { return ((x + 540) % 360) - 180; }
      function clamp(x, lo, hi) { return Math.max(lo, Math.min(hi, x)); }
      var west = e - w >= 360 ? -180 : lon(w), east = e - w >= 360 ? 180 : lon(e);
      if (east === -180) { east = 180; }
      return [west, clamp(b.getSouth(), -90, 90), east, clamp(b.getNorth(), -90, 90)]
        .map(function (x) { return x.toFixed(4); }).join(',');
    }

    function downloads(q) {
      ['geojson', 'csv', 'kml'].forEach(function (fmt) {
        var d = new URLSearchParams(q);
        d.set('format', fmt);
        if (fmt === 'geojson') { d.set('limit', '100000'); }
        document.getElementById('dl-' + fmt).href = '/api/incidents?' + d.toString();
      });
    }

    function load() {
      var q = filters();
      downloads(q);
      var box = first ? givenBox : viewBox();
      if (box) { q.set('bbox', box); }
      window.history.replaceState(null, '', q.toString() ? '?' + q.toString() : window.location.pathname);
      summary.show(q);
      q.set('limit', String(PAGE_LIMIT));
      // beyond settings.clusterOver incidents in view the server answers clusters: a count and
      // deaths per cell of about 60 pixels, so a world view of a large store stays small and fast
      q.set('cell', String(+(60 * 360 / (256 * Math.pow(2, map.getZoom()))).toPrecision(3)));
      q.set('cluster_over', String(settings.clusterOver));
      var mine = ++sequence;
      setStatus('Loading\u2026');
      fetch('/api/incidents?' + q.toString()).then(function (r) {
        return r.json().then(function (body) { return {ok: r.ok, body: body}; });
      }).then(function (res) {
        if (mine !== sequence) { return; }  // a newer view or filter is on its way
        // a popup opened meanwhile (a panel row flies to its incident, then opens it) stays open:
        // this view is loaded again when it closes
        if (popupOpen && !first) { pending = true; return; }
        if (!res.ok) { setStatus(res.body.error || 'error', true); return; }
        var n = function (x) { return x.toLocaleString('en'); };
        groups.clearLayers();
        if (res.body.clustered) {
          layer.set([]);
          res.body.features.forEach(function (f) { groupMarker(f).addTo(groups); });
          setStatus(n(res.body.matched) + ' incidents ' + (first ? 'in the store' : 'in view') + ', in ' +
            n(res.body.features.length) + ' groups \u2014 zoom in or filter to see each');
          if (first) {
            first = false;
            if (res.body.features.length) {
              map.fitBounds(L.latLngBounds(res.body.features.map(function (f) {
                return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
              })), {padding: [30, 30], maxZoom: 9, animate: false});
            }
            map.on('moveend', schedule);
          }
          return;
        }
        var located = res.body.features.filter(function (f) { return f.geometry; });
        var markers = located.map(function (f) {
          return marker(incidentData(f.properties, f.geometry.coordinates[1], f.geometry.coordinates[0]));
        });
        layer.set(markers);
        var text = n(markers.length) + ' incidents ' + (first ? 'in the store' : 'in view');
        var unlocated = res.body.features.length - located.length;
        if (res.body.matched > res.body.features.length) {
          text = n(markers.length) + ' of ' + n(res.body.matched) + ' incidents ' +
            (first ? 'in the store' : 'in view') + ' \u2014 zoom in or filter to see the rest';
        } else if (unlocated && first) {
          text += ' (and ' + n(unlocated) + ' without a location)';
        }
        setStatus(text);
        if (first) {
          first = false;
          var b = givenBox && givenBox.split(',').map(Number);
          if (b && b.length === 4 && b.every(isFinite)) {
            map.fitBounds([[b[1], b[0]], [b[3], b[2] < b[0] ? b[2] + 360 : b[2]]], {animate: false});
          } else if (markers.length) {
            var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
            map.fitBounds(bounds, {padding: [30, 30], maxZoom: 9, animate: false});
          }
          map.on('moveend', schedule);  // after the fit (not animated, so its moveend has fired)
        }
      }).catch(function (err) {
        if (mine === sequence) { setStatus('Cannot reach the server: ' + err, true); }
      });
    }

    // An open popup (maybe a review form being filled in) is never swept away by a reload: a move
    // while it is open (its own auto-pan included) loads the view when it closes.
    var popupOpen = false, pending = false;
    map.on('popupopen', function () { popupOpen = true; });
    map.on('popupclose', function () {
      popupOpen = false;
      if (pending) { pending = false; schedule(); }
    });

    function schedule() {
      clearTimeout(timer);
      if (popupOpen) { pending = true; return; }
      timer = setTimeout(load, 200);
    }

    // What `geomap watch` or another analyst adds or corrects appears without a reload: the page
    // asks every few seconds what the store holds, and loads the view again when that changed. A
    // change seen while the first view is loading or a popup is open is acted on at a later ask.
    var lastSeen;
    function watchStore() {
      if (document.hidden) { return; }
      fetch('/api/status').then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
        if (!s) { return; }
        var seen = JSON.stringify(s);
        if (lastSeen === undefined) { lastSeen = seen; return; }
        if (seen === lastSeen || popupOpen || first) { return; }
        lastSeen = seen;
        load();
      }).catch(function () {});
    }
    setInterval(watchStore, REFRESH_MS);
    watchStore();
    // after a correction, dismissal or merge the view is loaded again: the popup of what changed closes
    review = reviewer(function () { map.closePopup(); load(); });

    form.addEventListener('submit', function (event) { event.preventDefault(); load(); });
    form.elements.type.addEventListener('change', load);
    load();
    window.geomapStore = {map: map, layer: layer, groups: groups, summary: summary};
  }

  // ------------------------------------------------------------------ the article page

  function articlePage() {
    var map = newMap(), layer = incidentLayer(map);
    var places = L.layerGroup().addTo(map);
    var form = document.getElementById('article');
    var addButton = document.getElementById('add');
    var filename = null, lastBody = null;

    form.elements.file.addEventListener('change', function () {
      var file = form.elements.file.files[0];
      if (!file) { return; }
      file.text().then(function (text) {
        form.elements.text.value = text;
        filename = file.name;
      });
    });
    form.elements.text.addEventListener('input', function () { filename = null; });

    function body() {
      var b = {text: form.elements.text.value};
      ['title', 'date', 'url'].forEach(function (name) {
        var value = form.elements[name].value.trim();
        if (value) { b[name] = value; }
      });
      if (filename) { b.filename = filename; }
      return b;
    }

    function post(path, payload) {
      return fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(payload)}).then(function (r) {
        return r.json().then(function (data) { return {ok: r.ok, status: r.status, body: data}; },
          function () { return {ok: false, status: r.status, body: {error: 'HTTP ' + r.status}}; });
      });
    }

    function row(table, cells) {
      var tr = el('tr', '', null, table.tBodies[0]);
      cells.forEach(function (c) {
        var td = el('td', '', null, tr);
        if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c === null ? '' : String(c); }
      });
      return tr;
    }

    function show(article) {
      var incidentsTable = document.getElementById('incidents');
      var placesTable = document.getElementById('places');
      incidentsTable.tBodies[0].textContent = '';
      placesTable.tBodies[0].textContent = '';
      places.clearLayers();
      var markers = [];
      article.incidents.forEach(function (inc) {
        var d = incidentData(inc, inc.place ? inc.place.lat : null, inc.place ? inc.place.lon : null);
        var icon = el('span');
        el('i', 'geomap-icon geomap-i-' + d.t, null, icon);
        icon.appendChild(document.createTextNode(typeLabels[d.t]));
        row(incidentsTable, [icon, inc.date, inc.location_name, inc.fatalities, inc.sentence]);
        if (inc.place) { markers.push(marker(d)); }
      });
      layer.set(markers);
      var bounds = L.latLngBounds([]);
      article.places.forEach(function (p) {
        row(placesTable, [p.name, p.feature_type, p.country_code, (p.mentions || []).join(', ')]);
        var group = settings.placeGroups[p.feature_type] || 'land';
        var m = L.marker([p.lat, p.lon], {icon: L.divIcon({
          className: 'geomap-place geomap-f-' + group, iconSize: [11, 11]})});
        m.bindTooltip(el('span', '', p.name + ' (' + p.feature_type + ')'));
        places.addLayer(m);
        bounds.extend([p.lat, p.lon]);
      });
      markers.forEach(function (m) { bounds.extend(m.getLatLng()); });
      if (bounds.isValid()) { map.fitBounds(bounds, {padding: [30, 30], maxZoom: 9, animate: false}); }
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var payload = body();
      setStatus('Parsing\u2026');
      addButton.disabled = true;
      post('/api/parse', payload).then(function (res) {
        if (!res.ok) { setStatus(res.body.error || 'error', true); return; }
        lastBody = payload;
        show(res.body);
        addButton.disabled = false;
        setStatus(res.body.places.length + ' place(s), ' + res.body.incidents.length + ' incident(s)');
      }).catch(function (err) { setStatus('Cannot reach the server: ' + err, true); });
    });

    addButton.addEventListener('click', function () {
      if (!lastBody) { return; }
      addButton.disabled = true;
      setStatus('Adding to the store\u2026');
      post('/api/articles', lastBody).then(function (res) {
        if (!res.ok) { setStatus(res.body.error || 'error', true); addButton.disabled = false; return; }
        var r = res.body;
        setStatus(r.added ?
          'Added to the store: ' + r.incidents + ' new incident(s), ' + r.merged +
            ' merged into stored ones; the store holds ' + r.store.incidents + ' incident(s)' :
          'Already in the store; nothing changed');
      }).catch(function (err) { setStatus('Cannot reach the server: ' + err, true); addButton.disabled = false; });
    });
    window.geomapArticle = {map: map, layer: layer};
  }

  if (settings.page === 'store') { storePage(); } else { articlePage(); }
}());
