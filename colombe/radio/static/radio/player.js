// Keeps "now playing" and the listener count of the radio up to date, from the JSON of
// radio:now_playing, every 15 seconds while the page is visible. The page is complete
// without this script: the server renders the first figures and the <audio> element plays
// the stream by itself.
(function () {
  "use strict";

  var PERIOD_MS = 15000;
  // Four hours of polling at most: a tab left open overnight stops asking.
  var MAX_POLLS = 960;

  function setText(root, selector, text) {
    var element = root.querySelector(selector);
    if (element && typeof text === "string") {
      element.textContent = text;
    }
  }

  function showReachable(root, reachable) {
    var unreachable = root.querySelector("[data-status-unreachable]");
    var details = root.querySelector("[data-status-details]");
    if (unreachable) { unreachable.hidden = reachable; }
    if (details) { details.hidden = !reachable; }
  }

  function update(root, data) {
    var reachable = data.reachable !== false;
    showReachable(root, reachable);
    if (!reachable) { return; }
    setText(root, "[data-now-playing-title]", data.title || "—");
    if (typeof data.listeners === "number") {
      setText(root, "[data-listener-count]", String(data.listeners));
    }
  }

  function start(root) {
    var url = root.getAttribute("data-now-playing-url");
    var polls = 0;
    var timer = null;

    function poll() {
      if (document.hidden) { return; }
      polls += 1;
      if (polls > MAX_POLLS) {
        window.clearInterval(timer);
        return;
      }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) { update(root, data); })
        .catch(function () { showReachable(root, false); });
    }

    timer = window.setInterval(poll, PERIOD_MS);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { poll(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-now-playing-url]").forEach(start);
  });
})();
