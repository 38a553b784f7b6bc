/* Maps of reports (web/_map.html): the kecamatan and desa boundaries shipped with the app as the
   base map, raster tiles only when the server names a tile URL, and the page's pins clustered and
   coloured by status. The page lists the same reports for anyone who cannot use the map. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) return;
  var pins = JSON.parse(document.getElementById(box.dataset.pins).textContent);
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
  var layer = L.markerClusterGroup ? L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40}) : L.layerGroup();
  var bounds = [];
  pins.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {radius: 8, className: "pin pin-" + p.status, weight: 2, fillOpacity: 0.9});
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.code + " · " + p.title;
    popup.appendChild(link);
    var meta = document.createElement("p");
    meta.textContent = p.label + (p.at === "desa" ? " · " + box.dataset.desaLabel : p.at === "kecamatan" ? " · " + box.dataset.kecamatanLabel : "");
    popup.appendChild(meta);
    marker.bindPopup(popup);
    layer.addLayer(marker);
    bounds.push([p.lat, p.lon]);
  });
  map.addLayer(layer);
  if (bounds.length) map.fitBounds(bounds, {maxZoom: 13, padding: [20, 20]});
})();
