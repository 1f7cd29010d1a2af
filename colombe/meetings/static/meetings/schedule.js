// Shows a meeting's time on the viewer's own clock when their browser is in another
// time zone than the one the page is written in (people abroad, international meetings).
(function () {
  "use strict";
  var browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("[data-local-time]").forEach(function (holder) {
    var start = new Date(holder.dataset.start);
    var end = new Date(holder.dataset.end);
    if (!browserZone || browserZone === holder.dataset.pageZone || isNaN(start)) {
      return;
    }
    var lang = document.documentElement.lang || undefined;
    var day = new Intl.DateTimeFormat(lang, {
      weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit"
    });
    var hour = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
    holder.textContent = holder.dataset.label + " " + day.format(start) + "–" +
      hour.format(end) + " (" + browserZone + ")";
    holder.hidden = false;
  });
})();
