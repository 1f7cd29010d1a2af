// Privacy-friendly video embeds: nothing is loaded from the platform until the visitor
// presses "Play"; then the platform's player takes the place of the notice and the
// button. Without this script the visitor keeps the plain link to the original page.
(function () {
  "use strict";

  function play(container) {
    var frame = document.createElement("iframe");
    frame.src = container.getAttribute("data-embed-src");
    frame.title = container.getAttribute("data-embed-title") || "";
    frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
    frame.allowFullscreen = true;
    // The site sends no referrer across origins, but YouTube's player refuses to start
    // without one: give the platform our origin only, never the page's path.
    frame.referrerPolicy = "strict-origin";
    container.querySelectorAll("[data-embed-notice], [data-embed-play]").forEach(function (el) {
      el.remove();
    });
    container.prepend(frame);
    frame.focus();
  }

  document.querySelectorAll("[data-embed-src]").forEach(function (container) {
    var button = container.querySelector("[data-embed-play]");
    if (!button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      play(container);
    });
  });
})();
