// Keeps this page's soft edit lock alive and shows who else has the article open.
// The server forgets a lock a few minutes after the last heartbeat (EDIT_LOCK_TIMEOUT).
(function () {
  "use strict";

  function start() {
    var beacon = document.querySelector("[data-edit-heartbeat]");
    var notice = document.querySelector("[data-edit-lock-notice]");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!beacon || !notice || !token) {
      return;
    }
    var interval = Math.max(1, parseInt(beacon.dataset.editHeartbeatInterval, 10) || 30) * 1000;

    function beat() {
      fetch(beacon.dataset.editHeartbeat, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value, "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data) {
            notice.textContent = data.notice;
            notice.hidden = !data.notice;
          }
        })
        .catch(function () {
          // Offline for a moment: the next beat will try again.
        });
    }

    // Opening the page already took the lock on the server: the first beat can wait.
    window.setInterval(beat, interval);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
