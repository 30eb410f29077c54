/* Suggests existing tags for the last comma-separated entry of a taggit input.
   Uses the admin's autocomplete view, so only tags the user may see are offered. */
(function () {
  "use strict";

  function setUp(input) {
    var list = document.getElementById(input.id + "-suggestions");
    if (!list) return;
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var pending = null;

    input.addEventListener("input", function () {
      var parts = input.value.split(",");
      var term = parts.pop().trim();
      var kept = parts.map(function (part) { return part.trim(); }).filter(Boolean);
      if (pending) pending.abort();
      if (term.length < 1) { list.replaceChildren(); return; }
      pending = new AbortController();
      var url = input.dataset.autocompleteUrl + "?app_label=articles&model_name=article&field_name=tags&term=" + encodeURIComponent(term);
      fetch(url, { credentials: "same-origin", signal: pending.signal })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren();
          data.results.forEach(function (result) {
            if (kept.indexOf(result.text) !== -1) return;
            var option = document.createElement("option");
            option.value = kept.concat([result.text]).join(", ") + ", ";
            option.label = result.text;
            list.appendChild(option);
          });
        })
        .catch(function () { /* aborted or offline: no suggestions */ });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-autocomplete-url]").forEach(setUp);
  });
})();
