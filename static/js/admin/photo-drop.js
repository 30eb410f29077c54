/* The photo library takes several files at once: chosen or dropped, they are uploaded one after
   the other (kind to a reporter's mobile connection), each with its progress shown, and the
   server fills each one's credit from the file's metadata. */
(function () {
  "use strict";

  function csrfToken(section) {
    var input = section.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function text(tag, className, content) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = content;
    return element;
  }

  function listed(section, file) {
    var item = document.createElement("li");
    item.className = "photo-drop__item";
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", file.name);
    item.append(
      text("span", "photo-drop__name", file.name),
      progress,
      text("span", "photo-drop__state", "Waiting…")
    );
    section.querySelector("[data-photo-drop-list]").append(item);
    return { file: file, item: item, progress: progress, state: item.lastChild };
  }

  function upload(section, entry, done) {
    var file = entry.file;
    var item = entry.item;
    var progress = entry.progress;
    var state = entry.state;
    state.textContent = "Uploading…";

    var data = new FormData();
    data.append("image", file);
    var request = new XMLHttpRequest();
    request.open("POST", section.getAttribute("data-upload-url"));
    request.setRequestHeader("X-CSRFToken", csrfToken(section));
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    request.addEventListener("load", function () {
      var answer = {};
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = {};
      }
      progress.value = 100;
      if (answer.photo) {
        var photo = answer.photo;
        var link = document.createElement("a");
        link.href = String(photo.id) + "/change/";
        link.textContent = photo.caption || file.name;
        state.textContent = "";
        state.append(
          answer.duplicate ? "Already in the library: " : "Added: ",
          link,
          " — " + (photo.credit || "no credit yet: add one"),
          photo.alt_text ? "" : " — no alt text yet"
        );
        item.classList.add(photo.credit && photo.alt_text ? "photo-drop__item--ok" : "photo-drop__item--todo");
      } else {
        var errors = [];
        Object.keys(answer.errors || {}).forEach(function (field) {
          errors = errors.concat(answer.errors[field]);
        });
        state.textContent = "Not added: " + (errors.join(" ") || "the upload failed, try again.");
        item.classList.add("photo-drop__item--error");
      }
      done();
    });
    request.addEventListener("error", function () {
      state.textContent = "Not added: no connection to the server. Try again.";
      item.classList.add("photo-drop__item--error");
      done();
    });
    request.send(data);
  }

  var queue = [];
  var uploading = false;

  function next(section) {
    var entry = queue.shift();
    uploading = Boolean(entry);
    if (entry) {
      upload(section, entry, function () {
        next(section);
      });
    } else {
      section.querySelector("[data-photo-drop-done]").hidden = false;
    }
  }

  function uploadAll(section, files) {
    section.querySelector("[data-photo-drop-done]").hidden = true;
    Array.prototype.forEach.call(files, function (file) {
      queue.push(listed(section, file));
    });
    if (!uploading) {
      next(section);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-photo-drop]");
    if (!section) {
      return;
    }
    var zone = section.querySelector("[data-photo-drop-zone]");
    var input = section.querySelector("[data-photo-drop-input]");
    input.addEventListener("change", function () {
      uploadAll(section, input.files);
      input.value = "";
    });
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("photo-drop__zone--over");
    });
    zone.addEventListener("dragleave", function () {
      zone.classList.remove("photo-drop__zone--over");
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("photo-drop__zone--over");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        uploadAll(section, event.dataTransfer.files);
      }
    });
  });
})();
