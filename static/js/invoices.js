/* Invoice editor: remove a line, then ask htmx to recalculate the totals. No inline code (CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-line]");
    if (!button) { return; }
    var row = button.closest("tr");
    var body = row && row.parentElement;
    if (!row || !body) { return; }
    row.remove();
    if (window.htmx) { window.htmx.trigger(document.body, "lines-changed"); }
    var next = body.querySelector("textarea, input, select");
    if (next) { next.focus(); }
  });
})();
