// The article's writing screen: autosave of what is typed (kept in this browser while the server
// cannot be reached), Ctrl/Cmd+S, live length, headline and description guidance, and the
// search and social preview. The server keeps autosaves as the person's own draft: never a
// revision, never published (desk/admin/writing.py).
(function () {
  "use strict";

  var STORE_PREFIX = "newsroom-autosave:";
  var FIELDS = ["kicker", "headline", "dek", "dateline", "body", "seo_headline", "seo_description"];
  var TYPING_PAUSE = 2000; // autosave this long after the last keystroke…
  var AT_MOST = 10000; // …or this long after the previous autosave, while typing on
  var RETRY = 5000; // while the server cannot be reached
  // Where search results and social cards cut text off (characters).
  var GUIDES = {
    headline: [60, gettext("search results show about 60")],
    seo_headline: [60, gettext("search results show about 60")],
    dek: [155, gettext("search results show about 155 of the description")],
    seo_description: [155, gettext("search results show about 155")],
  };

  function gettext(text) {
    return window.gettext ? window.gettext(text) : text;
  }

  function interpolate(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_match, name) {
      return values[name];
    });
  }

  function field(name) {
    return document.getElementById("id_" + name);
  }

  function plainText(html) {
    var editor = document.querySelector(".field-body [contenteditable]");
    if (editor) {
      return editor.innerText;
    }
    return new DOMParser().parseFromString(html || "", "text/html").body.textContent || "";
  }

  // --- autosave ---

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function stored(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function store(key, payload) {
    try {
      localStorage.setItem(key, JSON.stringify(payload));
    } catch (error) {
      // Storage full or disabled: the server copy is all there is.
    }
  }

  function forget(key, payload) {
    var current = stored(key);
    if (current && current.typed_at === payload.typed_at) {
      localStorage.removeItem(key);
    }
  }

  function autosave(form) {
    var status = document.querySelector("[data-autosave-status]");
    var problem = document.querySelector("[data-autosave-problem]");
    var keyInput = form.querySelector("[data-autosave-key]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var url = form.dataset.autosaveUrl;
    var article = form.dataset.article ? parseInt(form.dataset.article, 10) : null;
    var baseVersion = form.dataset.baseVersion ? parseInt(form.dataset.baseVersion, 10) : null;
    if (!article && !keyInput.value) {
      keyInput.value = newKey();
    }
    var storeKey = STORE_PREFIX + (article ? "article-" + article : "new-" + keyInput.value);
    var dirty = false;
    var offline = false;
    var submitting = false;
    var lastSent = Date.now();
    var timer = null;

    function say(text) {
      status.textContent = text;
    }

    function warn(text) {
      problem.textContent = text;
      problem.hidden = !text;
    }

    function payload() {
      var content = {};
      FIELDS.forEach(function (name) {
        var input = form.elements.namedItem(name);
        if (input && typeof input.value === "string") {
          content[name] = input.value;
        }
      });
      return {
        article: article,
        client_key: article ? "" : keyInput.value,
        base_version: baseVersion,
        content: content,
        typed_at: new Date().toISOString(),
      };
    }

    function post(data, options) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: Boolean(options && options.keepalive),
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": token,
          "X-Requested-With": "fetch",
        },
        body: JSON.stringify(data),
      }).then(function (response) {
        if (response.status >= 500) {
          throw new Error("server unavailable");
        }
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      });
    }

    function save(options) {
      window.clearTimeout(timer);
      if (submitting || (!dirty && !offline)) {
        return;
      }
      var data = payload();
      store(storeKey, data);
      dirty = false;
      lastSent = Date.now();
      post(data, options)
        .then(function (result) {
          if (!result.ok) {
            warn(result.body.error || gettext("The server refused the autosave; save the article to keep your text."));
            return;
          }
          forget(storeKey, data);
          var time = result.body.saved_label;
          if (offline) {
            offline = false;
            say(interpolate(gettext("Connection back: everything you typed is safe, autosaved at %(time)s."), { time: time }));
          } else {
            say(interpolate(gettext("Autosaved at %(time)s (not yet saved to the article)."), { time: time }));
          }
          warn(result.body.conflict);
        })
        .catch(function () {
          offline = true;
          say(gettext("No connection. What you type is kept in this browser and sent as soon as the connection is back."));
          timer = window.setTimeout(save, RETRY);
        })
        .then(function () {
          if (dirty) {
            later();
          }
        });
    }

    function later() {
      window.clearTimeout(timer);
      var wait = Math.min(TYPING_PAUSE, Math.max(0, lastSent + AT_MOST - Date.now()));
      timer = window.setTimeout(save, offline ? RETRY : wait);
    }

    // What an earlier visit typed but could not send (closed while offline): send it now.
    function sendLeftovers() {
      Object.keys(localStorage)
        .filter(function (key) {
          return key.indexOf(STORE_PREFIX) === 0;
        })
        .forEach(function (key) {
          var data = stored(key);
          if (!data || !data.content) {
            localStorage.removeItem(key);
            return;
          }
          post(data)
            .then(function (result) {
              forget(key, data);
              if (result.ok && key === storeKey) {
                warn(gettext("Text typed in this browser earlier had not reached the server; it is kept now. Reload the page to compare it and restore it."));
              }
            })
            .catch(function () {
              // Still offline: it stays in this browser for the next visit.
            });
        });
    }

    form.addEventListener("input", function (event) {
      if (FIELDS.indexOf(event.target.name) === -1) {
        return;
      }
      dirty = true;
      store(storeKey, payload());
      later();
    });
    form.addEventListener("submit", function () {
      submitting = true;
      window.clearTimeout(timer);
      if (!article) {
        // The new story's own save carries its key; the server discards that draft.
        localStorage.removeItem(storeKey);
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        save({ keepalive: true });
      }
    });
    window.addEventListener("online", function () {
      save();
    });
    sendLeftovers();
  }

  // --- Ctrl/Cmd+S ---

  function shortcuts(form) {
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
        event.preventDefault();
        var button = form.querySelector("input[name=_continue]") || form.querySelector("input[name=_save]");
        if (button) {
          form.requestSubmit(button);
        }
      }
    });
  }

  // --- length and guidance ---

  function showLength() {
    var output = document.querySelector("[data-length]");
    var body = field("body");
    if (!output || !body) {
      return;
    }
    function update() {
      var text = plainText(body.value);
      var words = (text.match(/\S+/g) || []).length;
      var characters = text.replace(/\s+/g, " ").trim().length;
      var minutes = Math.max(1, Math.round(words / 230));
      output.textContent = interpolate(gettext("%(words)s words · %(characters)s characters · %(minutes)s min read"), {
        words: words.toLocaleString(),
        characters: characters.toLocaleString(),
        minutes: minutes,
      });
      output.hidden = false;
    }
    body.addEventListener("input", update);
    document.addEventListener("prose-editor:ready", update);
    update();
  }

  function showGuides() {
    Object.keys(GUIDES).forEach(function (name) {
      var input = field(name);
      if (!input || input.disabled) {
        return;
      }
      var guide = document.createElement("p");
      guide.className = "writer__guide";
      guide.id = "id_" + name + "_guide";
      input.insertAdjacentElement("afterend", guide);
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", (described ? described + " " : "") + guide.id);
      function update() {
        var limit = GUIDES[name][0];
        var length = input.value.trim().length;
        guide.textContent = interpolate(gettext("%(length)s characters; %(where)s."), {
          length: length,
          where: GUIDES[name][1],
        });
        guide.classList.toggle("writer__guide--over", length > limit);
      }
      input.addEventListener("input", update);
      update();
    });
  }

  // --- search and social preview ---

  function shorten(text, limit) {
    text = text.trim();
    return text.length > limit ? text.slice(0, limit - 1).trimEnd() + "…" : text;
  }

  function showPreview() {
    var preview = document.querySelector("[data-search-preview]");
    if (!preview) {
      return;
    }
    function value(name) {
      var input = field(name);
      return input ? input.value : "";
    }
    function update() {
      var title = shorten(value("seo_headline") || value("headline"), 60) || gettext("Headline");
      var description = shorten(value("seo_description") || value("dek"), 155);
      preview.querySelectorAll("[data-preview-title]").forEach(function (element) {
        element.textContent = title;
      });
      preview.querySelectorAll("[data-preview-description]").forEach(function (element) {
        element.textContent = description;
      });
      preview.querySelectorAll("[data-preview-slug]").forEach(function (element) {
        element.textContent = value("slug");
      });
    }
    ["headline", "dek", "slug", "seo_headline", "seo_description"].forEach(function (name) {
      var input = field(name);
      if (input) {
        input.addEventListener("input", update);
      }
    });
    update();
  }

  // The headline wraps like a paragraph but is one line: Enter does not break it.
  function oneLineHeadline() {
    var headline = field("headline");
    if (headline && headline.tagName === "TEXTAREA") {
      headline.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
        }
      });
    }
  }

  // --- accessible names for widgets built by scripts ---

  function labelFor(id) {
    var label = document.querySelector('label[for="' + id + '"]');
    if (label && !label.id) {
      label.id = id + "_label";
    }
    return label;
  }

  // The body editor and the admin's autocomplete boxes are named by their field's label.
  function nameWidgets() {
    var body = labelFor("id_body");
    var editor = document.querySelector(".field-body [contenteditable]");
    if (body && editor) {
      editor.setAttribute("aria-labelledby", body.id);
    }
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = labelFor(select.id);
      var shown = document.getElementById("select2-" + select.id + "-container");
      // The box is labelled by the text it shows, empty while nothing is chosen: name that.
      if (label && shown && !shown.hasAttribute("aria-label")) {
        shown.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      }
    });
  }

  function nameWidgetsAsTheyAppear() {
    var side = document.querySelector(".writer__side");
    nameWidgets();
    if (side && window.MutationObserver) {
      new MutationObserver(function (changes) {
        var added = changes.some(function (change) {
          return Array.prototype.some.call(change.addedNodes, function (node) {
            return node.nodeType === 1 && (node.matches(".select2-container") || node.querySelector(".select2-container"));
          });
        });
        if (added) {
          nameWidgets();
        }
      }).observe(side, { childList: true, subtree: true });
    }
  }

  function start() {
    oneLineHeadline();
    document.addEventListener("prose-editor:ready", function () {
      window.setTimeout(nameWidgets);
    });
    nameWidgetsAsTheyAppear();
    var form = document.querySelector("form[data-writing-screen]");
    if (form) {
      autosave(form);
      shortcuts(form);
    }
    showLength();
    showGuides();
    showPreview();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
