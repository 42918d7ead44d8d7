// Small behaviours of the pages, kept out of the HTML so that the Content-Security-Policy
// can refuse every inline script.

// <select data-autosubmit>: choosing an option submits its form (the language switch).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});

// <form data-reset-after-request="input-name">: after htmx sent it, empty the form and put
// the cursor back in that field (the check-in desk scans one ticket after another).
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target.closest && event.target.closest("form[data-reset-after-request]");
  if (!form) return;
  form.reset();
  var field = form.querySelector("[name='" + form.dataset.resetAfterRequest + "']");
  if (field) field.focus();
});

// <div data-show-if-key="k" data-show-if-answers="a b">: shown only while the question "k"
// (inputs named q-k) has one of those answers checked; the server applies the same rule.
function showConditionalQuestions(form) {
  form.querySelectorAll("[data-show-if-key]").forEach(function (block) {
    var wanted = block.dataset.showIfAnswers.split(" ");
    var inputs = form.querySelectorAll("[name='q-" + block.dataset.showIfKey + "']");
    var chosen = Array.prototype.some.call(inputs, function (input) {
      return input.checked && wanted.indexOf(input.value) !== -1;
    });
    block.hidden = !chosen;
  });
}
document.addEventListener("change", function (event) {
  var form = event.target.closest && event.target.closest("form");
  if (form && form.querySelector("[data-show-if-key]")) showConditionalQuestions(form);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("[data-show-if-key]")) showConditionalQuestions(form);
  });
});

// The menu button (phones): the menus fold away behind it once this script runs, and open
// and close with it; without the script they simply stay open.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-toggle");
  if (!button) return;
  document.documentElement.classList.add("js-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    document.documentElement.classList.toggle("menu-open", open);
  });
});

// <svg data-zoomable>: the map pans with a drag (mouse or one finger) and zooms with the
// wheel, a pinch or the + and − buttons, by moving its viewBox. A drag does not follow the
// link under it. Points keep their size on screen whatever the zoom.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("svg[data-zoomable]").forEach(function (svg) {
    var start = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    var box = start.slice();
    var pointers = new Map();
    var moved = false;
    var lastDistance = 0;
    var tools = svg.parentNode.querySelector(".map-tools");
    var circles = svg.querySelectorAll(".points circle");
    var baseRadius = circles.length ? Number(circles[0].getAttribute("r")) : 0;

    function apply() {
      svg.setAttribute("viewBox", box.join(" "));
      var scale = box[2] / start[2];
      circles.forEach(function (c) { c.setAttribute("r", String(baseRadius * Math.max(scale, 0.15))); });
    }
    function toMap(clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      return [box[0] + (clientX - rect.left) / rect.width * box[2],
              box[1] + (clientY - rect.top) / rect.height * box[3]];
    }
    function zoom(factor, clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      var at = clientX === undefined ? [box[0] + box[2] / 2, box[1] + box[3] / 2] : toMap(clientX, clientY);
      var width = Math.min(start[2], Math.max(start[2] / 40, box[2] / factor));
      var f = width / box[2];
      box = [at[0] - (at[0] - box[0]) * f, at[1] - (at[1] - box[1]) * f, width, box[3] * f];
      apply();
    }
    if (tools) {
      tools.hidden = false;
      tools.addEventListener("click", function (event) {
        var button = event.target.closest("[data-zoom]");
        if (!button) return;
        if (button.dataset.zoom === "in") zoom(1.6);
        else if (button.dataset.zoom === "out") zoom(1 / 1.6);
        else { box = start.slice(); apply(); }
      });
      var toggle = tools.querySelector("[data-toggle-points]");
      if (toggle) toggle.addEventListener("change", function () {
        svg.classList.toggle("hide-points", !toggle.checked);
      });
    }
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 1.25 : 0.8, event.clientX, event.clientY);
    }, { passive: false });
    svg.addEventListener("pointerdown", function (event) {
      pointers.set(event.pointerId, [event.clientX, event.clientY]);
      moved = false;
      lastDistance = 0;
    });
    svg.addEventListener("pointermove", function (event) {
      var previous = pointers.get(event.pointerId);
      if (!previous) return;
      var now = [event.clientX, event.clientY];
      pointers.set(event.pointerId, now);
      if (pointers.size === 2) {
        var both = Array.from(pointers.values());
        var distance = Math.hypot(both[0][0] - both[1][0], both[0][1] - both[1][1]);
        if (lastDistance) zoom(distance / lastDistance, (both[0][0] + both[1][0]) / 2, (both[0][1] + both[1][1]) / 2);
        lastDistance = distance;
        moved = true;
        return;
      }
      var dx = now[0] - previous[0], dy = now[1] - previous[1];
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!moved) svg.setPointerCapture(event.pointerId);
      moved = true;
      var rect = svg.getBoundingClientRect();
      box[0] -= dx / rect.width * box[2];
      box[1] -= dy / rect.height * box[3];
      apply();
    });
    function release(event) {
      pointers.delete(event.pointerId);
      lastDistance = 0;
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    svg.addEventListener("click", function (event) {
      if (moved) { event.preventDefault(); moved = false; }
    }, true);
  });
});

// Tables read as lists on phones: every cell of a table.table learns its column's heading
// (data-label) and the stylesheet stacks the rows below 640 px. Tables written with their
// own labels (class "stack") are left as they are.
function stackTables(root) {
  root.querySelectorAll("table.table:not(.stack)").forEach(function (table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!headings.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (!cell.hasAttribute("data-label") && headings[i]) cell.setAttribute("data-label", headings[i]);
      });
    });
    table.classList.add("stack");
  });
}
document.addEventListener("DOMContentLoaded", function () { stackTables(document); });
document.addEventListener("htmx:afterSwap", function (event) { stackTables(event.target); });

// Long multiple choices (a select with many options, or a fieldset of many checkboxes, such
// as NACE codes and technologies) get a box that filters them as one types; chosen options
// stay visible.
document.addEventListener("DOMContentLoaded", function () {
  var meta = document.querySelector("meta[name=list-filter-label]");
  var label = meta ? meta.content : "Filter";
  function addFilter(container, items, textOf, isChosen) {
    if (items.length < 12) return;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "list-filter";
    box.placeholder = label;
    box.setAttribute("aria-label", label);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      items.forEach(function (item) {
        var text = textOf(item).toLowerCase();
        item.hidden = !isChosen(item) && !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
    container.parentNode.insertBefore(box, container);
  }
  document.querySelectorAll("select[multiple]").forEach(function (select) {
    addFilter(select, Array.prototype.slice.call(select.options),
      function (o) { return o.textContent; }, function (o) { return o.selected; });
  });
  document.querySelectorAll("fieldset").forEach(function (fieldset) {
    var boxes = fieldset.querySelectorAll("input[type=checkbox]");
    var items = Array.prototype.map.call(boxes, function (b) { return b.closest("label") || b.parentNode; });
    if (items.length >= 12 && !fieldset.closest(".facet")) {
      var first = items[0].closest("ul, div") || items[0];
      addFilter(first, items, function (i) { return i.textContent; },
        function (i) { var b = i.querySelector("input"); return b && b.checked; });
    }
  });
});

// On phones the filters of a directory fold behind a button (its label is the filters' own
// name), so that the results come first; the choice holds while htmx replaces the results.
var facetsOpen = false;
function foldFacets(root) {
  if (!window.matchMedia("(max-width: 760px)").matches) return;
  root.querySelectorAll("aside.facets").forEach(function (aside) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "facets-toggle secondary";
    button.textContent = aside.getAttribute("aria-label") || "Filters";
    function show() {
      aside.classList.toggle("folded", !facetsOpen);
      button.setAttribute("aria-expanded", String(facetsOpen));
    }
    button.addEventListener("click", function () { facetsOpen = !facetsOpen; show(); });
    aside.parentNode.insertBefore(button, aside);
    show();
  });
}
document.addEventListener("DOMContentLoaded", function () { foldFacets(document); });
document.addEventListener("htmx:afterSwap", function (event) { foldFacets(event.target); });
