/* A live story's new entries, without a reload and without moving the page: the page asks the
   server for the newest entries every few seconds (a small answer the page cache and a CDN keep
   until the next entry, reader/live.py) and offers them behind an "N new updates" button.
   Without JavaScript the page is whole: a reload shows every entry. */
(function () {
  "use strict";

  var section = document.querySelector("[data-poll-url]");
  if (!section || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = section.getAttribute("data-poll-url");
  var interval = Math.max(1, Number(section.getAttribute("data-live-interval")) || 15) * 1000;
  var pollSize = Number(section.getAttribute("data-live-poll-size")) || 20;
  var list = section.querySelector("[data-live-entries]");
  var button = section.querySelector("[data-live-new]");
  var waiting = [];

  function shown(entry) {
    return document.getElementById(entry.id) !== null;
  }

  function label(count) {
    if (count === 1) {
      return section.getAttribute("data-live-one");
    }
    return section.getAttribute("data-live-many").replace("%(count)s", String(count));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.status === 404 || response.status === 410) {
          return null; // the story is no longer public: stop asking
        }
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        if (html) {
          var answer = new DOMParser().parseFromString(html, "text/html");
          var entries = answer.querySelectorAll("[data-live-entry]");
          waiting = Array.prototype.filter.call(entries, function (entry) {
            return !shown(entry);
          });
          button.textContent = label(waiting.length);
          button.hidden = waiting.length === 0;
        }
        window.setTimeout(poll, interval);
      })
      .catch(function () {
        window.setTimeout(poll, interval); // offline for a moment: try again later
      });
  }

  button.addEventListener("click", function () {
    if (waiting.length >= pollSize) {
      window.location.reload(); // more new entries than one answer holds
      return;
    }
    var empty = list.querySelector("[data-live-empty]");
    if (empty) {
      empty.remove();
    }
    var newest = null;
    for (var i = waiting.length - 1; i >= 0; i -= 1) {
      newest = document.importNode(waiting[i], true);
      list.insertBefore(newest, list.firstChild);
    }
    waiting = [];
    button.hidden = true;
    if (newest) {
      // Keyboard and screen-reader users continue from the newest entry.
      newest.setAttribute("tabindex", "-1");
      newest.focus();
    }
  });

  window.setTimeout(poll, interval);
})();
