// Admin: click on a photo to set its focal point (the focal_x / focal_y fields, 0 to 1).
// A static file, no inline script, so it runs under a strict Content-Security-Policy.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector("[data-focal-picker]");
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  if (!picker || !across || !down) return;
  const image = picker.querySelector("img");
  const marker = picker.querySelector(".focal-picker__marker");

  const showMarker = () => {
    marker.style.left = `${Number(across.value) * 100}%`;
    marker.style.top = `${Number(down.value) * 100}%`;
    marker.hidden = false;
  };

  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    const clamp = (value) => Math.min(1, Math.max(0, value));
    across.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
    down.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
    showMarker();
  });
  across.addEventListener("input", showMarker);
  down.addEventListener("input", showMarker);
  showMarker();
});
