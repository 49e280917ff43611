// Upload progress on the Ingestion page. Without JavaScript the form posts as usual; with it, the file is
// sent with XMLHttpRequest so a <progress> bar shows the bytes sent, then the server's page replaces <main>.
// Served from 'self' (no inline script, the Content-Security-Policy stays strict).
(function () {
  "use strict";
  function show(form, loaded, total) {
    var bar = form.querySelector("progress.upload");
    var out = form.querySelector("output.upload");
    if (!bar || !out) { return; }
    var lang = document.documentElement.lang || "en";
    bar.hidden = false;
    if (bar.parentElement) { bar.parentElement.hidden = false; }
    out.hidden = false;
    bar.max = total > 0 ? total : 1;
    bar.value = total > 0 ? loaded : 0;
    bar.setAttribute("data-loaded", String(loaded));
    var pct = total > 0 ? Math.floor((loaded * 100) / total) : 0;
    out.textContent = pct + "\u00a0% \u2014 " + loaded.toLocaleString(lang) + " / " + total.toLocaleString(lang) +
      " " + (out.getAttribute("data-unit") || "bytes");
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-progress") || !window.FormData) { return; }
    event.preventDefault();
    var data = new FormData(form);
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    var xhr = new XMLHttpRequest();
    var sent = [0, 0];
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { sent = [e.loaded, e.total]; show(form, e.loaded, e.total); }
    });
    xhr.addEventListener("load", function () {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = doc.querySelector("main");
      if (!main) { form.submit(); return; }  // not a page of ours: let the browser show it
      document.querySelector("main").replaceWith(document.importNode(main, true));
      document.title = doc.title;
      var again = document.querySelector("form[data-progress]");
      if (again && sent[1] > 0) { show(again, sent[1], sent[1]); }
    });
    xhr.addEventListener("error", function () { form.submit(); });  // network trouble: the plain form
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "text/html");
    xhr.send(data);
  });
})();
