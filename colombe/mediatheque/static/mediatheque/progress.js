// Shows the uploader how the conversion of an archive item goes: polls the item's
// progress URL every 2 s and updates the <progress> bar and the status text inside the
// element carrying data-progress-url. When the work ends (ready or failed) the page is
// reloaded: the server then shows the player, or the reason of the failure.
(function () {
  "use strict";
  var INTERVAL_MS = 2000;
  // A conversion is stopped after 3 hours at most: polling longer is pointless.
  var MAX_POLLS = 5400;
  var FINISHED = ["ready", "failed"];

  function follow(container) {
    var url = container.getAttribute("data-progress-url");
    var bar = container.querySelector("progress");
    var status = container.querySelector("[data-progress-status]");
    var polls = 0;

    function show(state) {
      if (bar) {
        bar.value = state.progress;
        bar.textContent = state.progress + " %";
      }
      if (status) {
        status.textContent = state.label + " — " + state.progress + " %";
      }
    }

    function schedule() {
      if (polls < MAX_POLLS) {
        polls += 1;
        window.setTimeout(poll, INTERVAL_MS);
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          // Logged out (redirected to the login page) or no longer allowed: stop rather
          // than ask again and again.
          var type = response.headers.get("Content-Type") || "";
          return response.ok && type.indexOf("application/json") === 0 ? response.json() : null;
        })
        .then(function (state) {
          if (state === null) {
            return;
          }
          show(state);
          if (FINISHED.indexOf(state.status) !== -1) {
            window.location.reload();
          } else {
            schedule();
          }
        })
        .catch(schedule); // the network dropped for a moment: try again later
    }

    schedule();
  }

  document.querySelectorAll("[data-progress-url]").forEach(follow);
})();
