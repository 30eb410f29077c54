/* The arrangement screen: slots reordered by dragging a row by its handle (mouse, pen, touch)
   or with each row's "Move up" / "Move down" buttons (keyboard). The order on the screen is
   what is saved: each row's hidden position is renumbered after every move, and the row says
   which slot it now is (the first is the lead). Plain JS, no library. */
(function () {
  "use strict";

  function start() {
    const group = document.querySelector("fieldset.arrangement-slots");
    const status = document.getElementById("arrangement-moves");
    if (!group || !status) return;
    const tbody = group.querySelector("tbody");
    const text = status.dataset;
    const format = (template, ...values) => values.reduce((out, value) => out.replace("%s", value), template);
    const rows = () => Array.from(tbody.querySelectorAll("tr.form-row:not(.empty-form)"));
    const nameOf = (index) => (index === 0 ? text.lead : format(text.featured, index));
    // Writes only what differs, so that watching the rows (below) does not wake itself.
    const setText = (element, value) => {
      if (element.textContent !== value) element.textContent = value;
    };
    const setAttr = (element, name, value) => {
      if (element.getAttribute(name) !== value) element.setAttribute(name, value);
    };

    function renumber() {
      const all = rows();
      all.forEach((row, index) => {
        const position = row.querySelector("input.slot-position");
        if (position) position.value = String(index);
        setText(row.querySelector(".slot-label"), nameOf(index));
        const up = row.querySelector(".slot-up");
        const down = row.querySelector(".slot-down");
        up.disabled = index === 0;
        down.disabled = index === all.length - 1;
        setAttr(up, "aria-label", format(text.up, nameOf(index)));
        setAttr(down, "aria-label", format(text.down, nameOf(index)));
        name(row, nameOf(index));
      });
    }

    // Django's table of inline rows labels its columns, not each field: each field is named
    // after its column and its slot ("Story, Featured 1"), and so is the story chooser.
    const columns = {};
    group.querySelectorAll("thead th[class*='column-']").forEach((th) => {
      const column = Array.from(th.classList).find((c) => c.startsWith("column-"));
      columns[column.slice(7)] = th.textContent.trim();
    });
    columns.DELETE = text.remove;

    function name(row, slot) {
      row.querySelectorAll("td[class*='field-']").forEach((cell) => {
        const field = Array.from(cell.classList).find((c) => c.startsWith("field-")).slice(6);
        const label = `${columns[field] || field}, ${slot}`;
        cell.querySelectorAll("input:not([type=hidden]), select").forEach((input) => {
          if (!input.closest(".datetime")) setAttr(input, "aria-label", label);
        });
        const chooser = cell.querySelector(".select2-selection");
        if (chooser) {
          let hidden = cell.querySelector(".slot-field-name");
          if (!hidden) {
            hidden = document.createElement("span");
            hidden.className = "slot-field-name visually-hidden";
            hidden.id = `${row.id}-story-name`;
            cell.append(hidden);
          }
          setText(hidden, label);
          const shown = cell.querySelector(".select2-selection__rendered");
          if (shown) setAttr(shown, "aria-label", label); // a read-only textbox: its value
          setAttr(chooser, "aria-labelledby", `${hidden.id} ${shown ? shown.id : ""}`.trim());
        }
      });
      const remove = row.querySelector("input[name$='-DELETE']");
      if (remove) setAttr(remove, "aria-label", `${text.remove}, ${slot}`);
    }

    function announce(row) {
      status.textContent = format(text.moved, nameOf(rows().indexOf(row)));
    }

    function move(row, delta, button) {
      const all = rows();
      const index = all.indexOf(row);
      const target = all[index + delta];
      if (!target) return;
      if (delta < 0) tbody.insertBefore(row, target);
      else tbody.insertBefore(row, target.nextSibling);
      renumber();
      announce(row);
      // Keep the keyboard where it was; at either end the other button takes it.
      const other = row.querySelector(delta < 0 ? ".slot-down" : ".slot-up");
      (button.disabled ? other : button).focus();
    }

    function controls(row) {
      const cell = row.querySelector("td.original");
      const box = document.createElement("div");
      box.className = "slot-controls";
      box.innerHTML =
        '<span class="slot-handle" aria-hidden="true" title=""></span>' +
        '<strong class="slot-label"></strong>' +
        '<button type="button" class="slot-up"></button>' +
        '<button type="button" class="slot-down"></button>';
      box.querySelector(".slot-handle").title = text.drag;
      box.querySelector(".slot-handle").textContent = "\u2630";
      box.querySelector(".slot-up").textContent = text.upShort;
      box.querySelector(".slot-down").textContent = text.downShort;
      box.querySelector(".slot-up").addEventListener("click", (event) => move(row, -1, event.currentTarget));
      box.querySelector(".slot-down").addEventListener("click", (event) => move(row, 1, event.currentTarget));
      box.querySelector(".slot-handle").addEventListener("pointerdown", (event) => drag(row, event));
      cell.prepend(box);
    }

    function drag(row, event) {
      event.preventDefault();
      row.classList.add("is-dragging");
      const follow = (moveEvent) => {
        const under = document.elementFromPoint(moveEvent.clientX, moveEvent.clientY);
        const target = under && under.closest("tr.form-row:not(.empty-form)");
        if (!target || target === row || target.parentNode !== tbody) return;
        const box = target.getBoundingClientRect();
        if (moveEvent.clientY < box.top + box.height / 2) tbody.insertBefore(row, target);
        else tbody.insertBefore(row, target.nextSibling);
        renumber();
      };
      const stop = () => {
        document.removeEventListener("pointermove", follow);
        document.removeEventListener("pointerup", stop);
        document.removeEventListener("pointercancel", stop);
        row.classList.remove("is-dragging");
        renumber();
        announce(row);
      };
      document.addEventListener("pointermove", follow);
      document.addEventListener("pointerup", stop);
      document.addEventListener("pointercancel", stop);
    }

    rows().forEach(controls);
    renumber();
    // The story choosers (select2) are set up after this script runs: name them once they are.
    let pending = false;
    new MutationObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        renumber();
      });
    }).observe(tbody, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
