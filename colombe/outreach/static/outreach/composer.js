// Live length counters of the post composer: one line per network of the ticked
// accounts, counted as the server counts (each web address is 23 characters, the link
// is added after the text unless the text has it). The server's check stays the truth;
// without JavaScript the form works the same, it only counts on saving.
(function () {
  "use strict";

  var URL_PATTERN = /https?:\/\/\S+/g;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) {
      return String(values[name]);
    });
  }

  function countedLength(text, link, urlLength) {
    var published = text.trim();
    if (link && published.indexOf(link) === -1) {
      published = published + "\n\n" + link;
    }
    return Array.from(published.replace(URL_PATTERN, "x".repeat(urlLength))).length;
  }

  function chosenNetworks(data) {
    var networks = {};
    document.querySelectorAll("input[name=accounts]:checked").forEach(function (box) {
      var account = data.accounts[box.value];
      if (account) {
        networks[account.network] = account.limit;
      }
    });
    return networks;
  }

  function update(data, text, link, output) {
    var length = countedLength(text.value, link ? link.value.trim() : "", data.url_length);
    var networks = chosenNetworks(data);
    var list = document.createElement("ul");
    Object.keys(networks).sort().forEach(function (network) {
      var limit = networks[network];
      var item = document.createElement("li");
      var values = { network: network, length: length, limit: limit, excess: length - limit };
      item.textContent = format(length > limit ? data.labels.over : data.labels.count, values);
      if (length > limit) {
        item.className = "over-limit";
      }
      list.appendChild(item);
    });
    output.replaceChildren(list);
  }

  function start() {
    var source = document.getElementById("composer-data");
    var text = document.getElementById("id_text");
    var output = document.getElementById("length-counters");
    if (!source || !text || !output) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var link = document.getElementById("id_link_url");
    var refresh = function () { update(data, text, link, output); };
    text.addEventListener("input", refresh);
    if (link) {
      link.addEventListener("input", refresh);
    }
    document.querySelectorAll("input[name=accounts]").forEach(function (box) {
      box.addEventListener("change", refresh);
    });
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
