/* The filing form's location (web/file_report.html): "Gunakan lokasi saya" fills the point and
   selects the kecamatan and desa the server finds for it (/wilayah/lokasi/); "Pilih titik di peta"
   loads Leaflet and the shipped boundaries only when tapped, and a tap on the map places the pin.
   A pin outside the chosen desa asks which one is right. The form never needs any of this. */
(function () {
  "use strict";
  var opener = document.getElementById("open-map");
  if (!opener) return;
  var d = opener.dataset;
  var lat = document.getElementById("id_latitude"), lon = document.getElementById("id_longitude");
  var district = document.getElementById("id_district"), village = document.getElementById("id_village");
  var status = document.getElementById("location-status");
  var confirmBox = document.getElementById("location-confirm");
  var box = document.getElementById("report-map");
  var map = null, marker = null;

  function fill(text, found) {
    return text.replace("{desa}", found.village_name || "?").replace("{kecamatan}", found.district_name || "?");
  }

  function selectVillage(found) {
    // The desa options of the kecamatan, from the same view htmx uses, then the desa itself.
    district.value = found.district;
    return fetch(d.villagesUrl + "?district=" + encodeURIComponent(found.district))
      .then(function (r) { return r.text(); })
      .then(function (html) {
        village.innerHTML = html;
        village.value = found.village || "";
        village.dispatchEvent(new Event("input", {bubbles: true}));  // as if chosen: the checklist
        village.dispatchEvent(new Event("change", {bubbles: true}));
      });
  }

  function setPoint(latitude, longitude, fromMap) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (map) {
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = L.marker([latitude, longitude], {draggable: true, keyboard: true}).addTo(map)
        .on("dragend", function () { var p = marker.getLatLng(); setPoint(p.lat, p.lng, true); });
      if (!fromMap) map.setView([latitude, longitude], 14);
    }
    return fetch(d.locateUrl + "?lat=" + latitude + "&lon=" + longitude)
      .then(function (r) { return r.json(); })
      .then(function (found) {
        confirmBox.hidden = true;
        if (!found.district) { status.textContent = d.outside; return; }
        var chosen = village.value;
        if (!chosen || !found.village || chosen === found.village) {
          status.textContent = fill(d.found, found);
          if (found.village !== chosen || district.value !== found.district) return selectVillage(found);
          return;
        }
        askWhichDesa(found);
      });
  }

  function askWhichDesa(found) {
    status.textContent = "";
    confirmBox.textContent = "";
    var text = document.createElement("p");
    text.textContent = fill(d.mismatch, found);
    var use = document.createElement("button");
    use.type = "button";
    use.className = "secondary";
    use.textContent = fill(d.useFound, found);
    use.addEventListener("click", function () {
      confirmBox.hidden = true;
      status.textContent = fill(d.found, found);
      selectVillage(found);
    });
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "secondary";
    keep.textContent = d.keep;
    keep.addEventListener("click", function () { confirmBox.hidden = true; });
    confirmBox.append(text, use, keep);
    confirmBox.hidden = false;
    use.focus();
  }

  var locator = document.getElementById("use-location");
  if (locator) locator.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = locator.dataset.failed; return; }
    status.textContent = locator.dataset.busy;
    navigator.geolocation.getCurrentPosition(function (p) {
      setPoint(p.coords.latitude, p.coords.longitude, false).catch(function () { status.textContent = ""; });
    }, function () { status.textContent = locator.dataset.failed; }, {timeout: 15000, enableHighAccuracy: true});
  });

  function load(src, css) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(css ? "link" : "script");
      if (css) { el.rel = "stylesheet"; el.href = src; } else { el.src = src; }
      el.onload = resolve;
      el.onerror = reject;
      document.head.appendChild(el);
    });
  }

  opener.addEventListener("click", function () {
    box.hidden = false;
    opener.hidden = true;
    if (map) return;
    Promise.all([load(d.leafletCss, true), window.L ? null : load(d.leafletJs)]).then(function () {
      box.setAttribute("role", "application");
      box.setAttribute("aria-label", d.mapLabel);
      map = L.map(box).setView([-8.65, 117.35], 9);
      box.leafletMap = map; // for the browser tests
      if (d.tiles) L.tileLayer(d.tiles, {maxZoom: 18, attribution: d.attribution}).addTo(map);
      fetch(d.boundaries).then(function (r) { return r.json(); }).then(function (data) {
        L.geoJSON(data, {
          interactive: false,
          style: function (f) {
            return f.properties.level === 3
              ? {className: "boundary-kecamatan", weight: 2, fill: false}
              : {className: "boundary-desa", weight: 0.6, fillOpacity: 0.25};
          }
        }).addTo(map);
      });
      map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, true); });
      if (lat.value && lon.value) setPoint(parseFloat(lat.value), parseFloat(lon.value), false);
    });
  });
})();
