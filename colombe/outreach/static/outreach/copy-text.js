// Adds a "copy" button under each text to copy ([data-copy-text]). Without JavaScript
// the text stays selectable: this only saves a few gestures.
(function () {
  "use strict";

  function copy(textarea) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(textarea.value);
    }
    textarea.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  function enhance(textarea) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary small";
    button.textContent = textarea.dataset.copyLabel;
    var status = document.createElement("p");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copy(textarea).then(
        function () { status.textContent = textarea.dataset.copiedLabel; },
        function () { textarea.select(); }
      );
    });
    textarea.insertAdjacentElement("afterend", status);
    textarea.insertAdjacentElement("afterend", button);
  }

  document.querySelectorAll("textarea[data-copy-text]").forEach(enhance);
})();
