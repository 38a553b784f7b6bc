/* The filing form's draft on the phone (issue 13): saved at every change, chosen photos included
   (scaled on the phone to about 1600 px on the longest side), restored with a notice after a
   reload, a closed tab or the log-in; dropped only when the server has confirmed the filing. On
   submit the report goes to the outbox (outbox.js), which sends it now or when the signal returns.
   Without this script the form still works: it posts as a plain form. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.indexedDB || !window.AduanOutbox || !window.AduanQueue) return;
  var MAX_SIDE = 1600, QUALITY = 0.8, SMALL_ENOUGH = 500 * 1024;
  var SKIP = {csrfmiddlewaretoken: 1, form_token: 1, attachments: 1, refresh: 1};
  var user = form.dataset.user, id = "report:" + user;
  var input = document.getElementById("id_attachments");
  var notice = document.getElementById("draft-notice"), list = document.getElementById("draft-photos");
  var draft = {id: id, user: user, fields: [], photos: [], key: null};
  var timer = null, restoring = false;

  function fields() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (!SKIP[name] && typeof value === "string") pairs.push([name, value]);
    });
    return pairs;
  }

  function save() {
    if (restoring) return Promise.resolve();
    draft.fields = fields();
    draft.savedAt = Date.now();
    return AduanOutbox.store.put("drafts", draft);
  }

  function saveSoon() {
    clearTimeout(timer);
    timer = setTimeout(save, 300);
  }

  function apply(pairs, scope) {
    var values = {};
    pairs.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    scope = scope || form;
    var elements = scope.matches("input, select, textarea") ? [scope] : scope.querySelectorAll("input, select, textarea");
    Array.prototype.forEach.call(elements, function (el) {
      if (!el.name || SKIP[el.name] || !(el.name in values) || el.type === "file") return;
      var wanted = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = wanted.indexOf(el.value) >= 0;
      else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = wanted.indexOf(o.value) >= 0; });
      else el.value = wanted[0];
    });
  }

  function showPhotos() {
    if (!list) return;
    list.textContent = "";
    draft.photos.forEach(function (photo, index) {
      var li = document.createElement("li"), remove = document.createElement("button");
      li.textContent = photo.name + " (" + Math.round(photo.blob.size / 1024) + " KB) ";
      remove.type = "button"; remove.className = "link"; remove.textContent = list.dataset.remove;
      remove.addEventListener("click", function () { draft.photos.splice(index, 1); showPhotos(); save(); });
      li.appendChild(remove);
      list.appendChild(li);
    });
    list.hidden = !draft.photos.length;
  }

  /* A photo from a 12-megapixel camera is 3–6 MB; at 1600 px on its longest side it is a few
     hundred KB and still shows a street sign. Other files are kept as they are. */
  function scale(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var ratio = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (ratio === 1 && file.size <= SMALL_ENOUGH) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * ratio);
      canvas.height = Math.round(bitmap.height * ratio);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      var encode = function (quality) {
        return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
      };
      return encode(QUALITY).then(function (blob) {
        return blob && blob.size > SMALL_ENOUGH ? encode(0.6) : blob;
      }).then(function (blob) {
        if (!blob) return file;
        var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
        return new File([blob], name, {type: "image/jpeg"});
      });
    }).catch(function () { return file; });
  }

  if (input) input.addEventListener("change", function () {
    var chosen = Array.prototype.slice.call(input.files);
    Promise.all(chosen.map(scale)).then(function (files) {
      files.forEach(function (file) {
        draft.photos.push({key: AduanOutbox.newKey(), name: file.name, type: file.type, blob: file});
      });
      input.value = "";
      return save().then(showPhotos);
    });
  });

  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  // The desa list and the category's questions arrive by htmx: put the draft's answers back in.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    restoring = true;
    apply(draft.fields, event.detail.target);
    restoring = false;
  });

  function showErrors(errors) {
    var box = document.getElementById("error-summary") || document.createElement("div");
    box.id = "error-summary"; box.className = "error box summary"; box.tabIndex = -1;
    box.setAttribute("role", "alert");
    box.textContent = "";
    var ul = document.createElement("ul");
    errors.forEach(function (error) {
      var li = document.createElement("li");
      if (error.anchor) {
        var a = document.createElement("a");
        a.href = "#" + error.anchor; a.textContent = error.label + ": " + error.message;
        li.appendChild(a);
      } else li.textContent = error.message;
      ul.appendChild(li);
    });
    box.appendChild(ul);
    if (!box.parentNode) form.insertBefore(box, form.firstChild);
    box.focus();
  }

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.name === "refresh") return;  // a plain post is fine
    event.preventDefault();
    var button = form.querySelector("button[type=submit].primary");
    if (button) button.disabled = true;
    clearTimeout(timer);
    draft.key = draft.key || AduanOutbox.newKey();
    draft.fields = fields();
    var item = {
      key: draft.key, fields: draft.fields,
      photos: draft.photos.map(function (p) { return {key: p.key, name: p.name, type: p.type, blob: p.blob, uploaded: p.uploaded}; })
    };
    AduanOutbox.store.put("drafts", draft).then(function () {
      return AduanQueue.send(item);
    }).then(function (result) {
      if (button) button.disabled = false;
      if (result.state === "sent") {
        return AduanOutbox.store.remove("drafts", id).then(function () { location.href = result.url; });
      }
      if (result.state === "needs_fix") {
        // Photos already on the server stay there under their keys; the report is not filed.
        result.photos.forEach(function (p, i) { if (draft.photos[i]) draft.photos[i].uploaded = p.uploaded; });
        return AduanQueue.remove(result.key).then(save).then(function () { showErrors(result.errors || []); });
      }
      // Waiting for signal: the outbox holds the report now; the form is free for another.
      return AduanOutbox.store.remove("drafts", id).then(function () {
        draft = {id: id, user: user, fields: [], photos: [], key: null};
        form.reset(); showPhotos();
        notice.textContent = notice.dataset.queued; notice.hidden = false;
        notice.scrollIntoView();
      });
    });
  });

  AduanOutbox.store.get("drafts", id).then(function (saved) {
    if (!saved || !saved.fields) return;
    if (document.getElementById("error-summary")) return;  // the server's page shows what was sent
    draft = saved;
    restoring = true;
    apply(draft.fields);
    restoring = false;
    showPhotos();
    var when = new Date(draft.savedAt).toLocaleString(document.documentElement.lang || "id");
    notice.textContent = notice.dataset.restored.replace("{waktu}", when);
    notice.hidden = false;
    var discard = document.createElement("button");
    discard.type = "button"; discard.className = "link"; discard.textContent = notice.dataset.discard;
    discard.addEventListener("click", function () {
      AduanOutbox.store.remove("drafts", id).then(function () { location.reload(); });
    });
    notice.appendChild(document.createTextNode(" "));
    notice.appendChild(discard);
    // Ask for what depends on the restored choices (the desa list, the category's questions), and
    // for the checklist of the restored text: it is not asked for when the page loads (an empty
    // form has nothing to check; the first visit on a slow phone does not wait for it).
    if (!window.htmx) return;
    ["id_category", "id_district"].forEach(function (name) {
      var el = document.getElementById(name);
      if (el && el.value) htmx.trigger(el, "change");
    });
    htmx.trigger("#id_description", "input");
  });
})();
