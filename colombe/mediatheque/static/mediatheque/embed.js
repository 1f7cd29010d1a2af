// Privacy-friendly video embeds: nothing is loaded from the platform until the visitor
// presses "Play"; then the platform's player takes the place of the notice and the
// button. Without this script the visitor keeps the plain link to the original page.
(function () {
  "use strict";

  function play(container) {
    var frame = document.createElement("iframe");
    frame.src = container.getAttribute("data-embed-src");
    frame.title = container.getAttribute("data-embed-title") || "";
    // The platform's player runs its own scripts on its own origin, may show itself full
    // screen and open the video's page in a new window; it may not take this page away
    // (no allow-top-navigation) and submits no forms.
    frame.setAttribute(
      "sandbox",
      "allow-scripts allow-same-origin allow-presentation allow-popups"
    );
    // Autoplay: the visitor has just pressed "Play", one press must be enough.
    frame.allow = "autoplay; fullscreen; picture-in-picture";
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
