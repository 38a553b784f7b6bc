/* Maps of reports (web/_map.html): the kecamatan and desa boundaries shipped with the app as the
   base map, raster tiles only when the server names a tile URL, and the page's pins clustered and
   coloured by status (on staff maps ringed by deadline state). The pins come from a JSON script on
   the page (data-pins) or from a GeoJSON endpoint (data-pins-url, the back office's lists). The
   page lists the same reports for anyone who cannot use the map. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) return;
  box.textContent = "";
  box.classList.add("map-live");
  var map = L.map(box, {minZoom: 7, maxZoom: 18, zoomSnap: 0.5}).setView([-8.65, 117.35], 9);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, {maxZoom: 18, attribution: box.dataset.attribution}).addTo(map);
  }
  fetch(box.dataset.boundaries).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, {
      interactive: false,
      style: function (f) {
        return f.properties.level === 3
          ? {className: "boundary-kecamatan", weight: 2, fill: false}
          : {className: "boundary-desa", weight: 0.6, fillOpacity: 0.25};
      }
    }).addTo(map).bringToBack();
  });
  function draw(pins) {
    var layer = L.markerClusterGroup ? L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40}) : L.layerGroup();
    var bounds = [];
    pins.forEach(function (p) {
      var ring = p.zone === "red" || p.zone === "yellow" ? " ring-" + p.zone : "";
      var marker = L.circleMarker([p.lat, p.lon], {radius: 8, className: "pin pin-" + p.status + ring, weight: ring ? 4 : 2, fillOpacity: 0.9});
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.code + " · " + p.title;
      popup.appendChild(link);
      var meta = document.createElement("p");
      meta.textContent = p.label + (p.zone === "red" ? " · " + box.dataset.overdueLabel : "") + (p.at === "desa" ? " · " + box.dataset.desaLabel : p.at === "kecamatan" ? " · " + box.dataset.kecamatanLabel : "");
      popup.appendChild(meta);
      marker.bindPopup(popup);
      layer.addLayer(marker);
      bounds.push([p.lat, p.lon]);
    });
    map.addLayer(layer);
    if (bounds.length) map.fitBounds(bounds, {maxZoom: 13, padding: [20, 20]});
  }
  if (box.dataset.pinsUrl) {
    fetch(box.dataset.pinsUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      draw(data.features.map(function (f) {
        var p = Object.assign({}, f.properties);
        p.lon = f.geometry.coordinates[0];
        p.lat = f.geometry.coordinates[1];
        return p;
      }));
      var note = document.getElementById("map-left-off");
      if (note && data.left_off) {
        note.textContent = data.left_off + " " + box.dataset.leftOffLabel;
        note.hidden = false;
      }
    });
  } else {
    draw(JSON.parse(document.getElementById(box.dataset.pins).textContent));
  }
})();
