/* Click-to-load embeds: a provider's frame is made only when the reader asks for it, so a story
   page makes no request to a third party until then. Frame addresses come from the server
   (reader/story_body.py) and their hosts are in the Content-Security-Policy's frame-src. */
(function () {
  "use strict";

  function load(figure) {
    var frame = document.createElement("iframe");
    frame.src = figure.getAttribute("data-embed-frame");
    frame.title = figure.getAttribute("data-embed-title") || "";
    frame.className = "embed__frame";
    frame.setAttribute("allow", "fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    var placeholder = figure.querySelector(".embed__placeholder");
    figure.replaceChild(frame, placeholder);
    frame.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-embed-load]") : null;
    if (!button) {
      return;
    }
    var figure = button.closest("figure[data-embed-frame]");
    if (figure) {
      load(figure);
    }
  });
})();
