// "Draft saved automatically": post the report form about every 10 seconds after a
// change. The first save creates the draft; later saves update it. Without JavaScript,
// the "Save draft" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector(".autosave-status");
  var changed = false;
  var saving = false;
  var DELAY = 10000;

  function markChanged() { changed = true; }
  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  // A real submission (Save draft / Publish) takes over: stop autosaving.
  form.addEventListener("submit", function () { changed = false; saving = true; });

  function save() {
    if (!changed || saving) { return; }
    var data = new FormData(form);
    data.delete("photo");  // photos are sent with the form's buttons, not every 10 s
    if (!String(data.get("title") || "").trim()) { return; }
    changed = false;
    saving = true;
    fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      // From now on, the form edits the draft that was just created.
      form.setAttribute("action", result.edit_url);
      form.setAttribute("data-autosave-url", result.autosave_url);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", result.edit_url);
      }
      if (status) { status.textContent = result.message; }
    }).catch(function () {
      changed = true;  // try again at the next tick
    }).then(function () { saving = false; });
  }
  window.setInterval(save, DELAY);
}());
