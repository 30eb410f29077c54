/* "Republish this story": opens the partner's material in a native dialog and copies it.
   Without JavaScript the opener is a plain link to the story's republish page.
   No inline scripts: everything is wired here through data- attributes. */
(function () {
  "use strict";
  var lastOpener = null;

  function fallbackCopy(source) {
    source.focus();
    source.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var panel = button.closest(".republish-panel") || document;
    var status = panel.querySelector("[data-copy-status]");
    function report(copied) {
      if (status) {
        status.textContent = status.getAttribute(copied ? "data-copied" : "data-copy-failed");
      }
      // An embargoed share tells the desk its partner copied the story.
      var copiedUrl = panel.getAttribute && panel.getAttribute("data-copied-url");
      if (copiedUrl && navigator.sendBeacon) {
        navigator.sendBeacon(copiedUrl);
      }
    }
    if (!source) {
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(
        function () { report(true); },
        function () { report(fallbackCopy(source)); }
      );
    } else {
      report(fallbackCopy(source));
    }
  }

  // The panel is fetched from our own site the first time the dialog opens; if that fails,
  // the partner gets the page of its own instead.
  function load(dialog, opener) {
    var container = dialog.querySelector("[data-republish-content]");
    if (!container || container.hasAttribute("data-loaded")) {
      return;
    }
    fetch(container.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        container.innerHTML = html;
        container.setAttribute("data-loaded", "");
      })
      .catch(function () {
        window.location.href = opener.href;
      });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var opener = target.closest("[data-republish-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("aria-controls"));
      if (dialog && typeof dialog.showModal === "function" && window.fetch) {
        event.preventDefault();
        lastOpener = opener;
        dialog.showModal();
        load(dialog, opener);
      }
      return;
    }
    var closer = target.closest("[data-republish-close]");
    if (closer) {
      closer.closest("dialog").close();
      return;
    }
    var copyButton = target.closest("[data-copy]");
    if (copyButton) {
      copy(copyButton);
      return;
    }
    // A click on the backdrop (the dialog element itself, outside its content) closes it.
    if (target.tagName === "DIALOG" && target.classList.contains("republish-dialog")) {
      var box = target.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) {
        target.close();
      }
    }
  });

  // Escape closes a modal dialog natively; either way, focus goes back to what opened it.
  document.addEventListener("close", function (event) {
    if (event.target.classList && event.target.classList.contains("republish-dialog") && lastOpener) {
      lastOpener.focus();
      lastOpener = null;
    }
  }, true);
})();
