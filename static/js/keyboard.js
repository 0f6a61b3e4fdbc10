/* Keyboard and screen-reader comfort: focus after htmx swaps, "/" for search, and
   focusable sideways-scrolling tables. */
(function () {
  "use strict";

  function focusElement(node) {
    if (!node) { return; }
    if (!node.matches("a[href], button, input, select, textarea, [tabindex]")) {
      node.setAttribute("tabindex", "-1");
    }
    node.focus({ preventScroll: false });
  }

  // Swaps whose old content held the focus (keyed by request, as settling comes later).
  var focusInside = new WeakMap();

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    if (event.detail.xhr && target && active && active !== document.body && target.contains(active)) {
      focusInside.set(event.detail.xhr, true);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var settled = event.target && event.target.isConnected ? event.target : document.getElementById("main");
    var config = event.detail.requestConfig || {};
    var xhr = event.detail.xhr;
    if (!settled) { return; }
    // A re-rendered form with errors: take the user to the first field to fix.
    if (config.verb && config.verb !== "get") {
      var invalid = settled.querySelector("[aria-invalid='true'], .is-invalid");
      if (invalid) { focusElement(invalid); return; }
    }
    // The focused element was swapped away and focus fell to <body>: put it in the new content.
    // (Polling swaps that never held the focus leave it alone.)
    if (!xhr || !focusInside.get(xhr)) { return; }
    focusInside.delete(xhr);
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) { return; }
    focusElement(settled.querySelector("[data-focus-after-swap], [autofocus], h1, h2") || settled);
  });

  // "/" jumps to the page's search box, as in most web apps (never while typing).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable='true']")) { return; }
    var search = document.querySelector("[data-search-shortcut]");
    if (!search) { return; }
    event.preventDefault();
    search.focus();
    search.select();
  });

  // A table wider than the screen scrolls sideways: keyboard users must be able to scroll it too.
  // Widths change as web fonts arrive and windows resize, so each scroller is watched.
  function markScroller(node) {
    if (node.hasAttribute("tabindex") || node.scrollWidth <= node.clientWidth + 1) { return; }
    var caption = node.querySelector("caption");
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", "region");
    node.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table (scrolls sideways)");
  }
  var scrollerWatch = window.ResizeObserver ? new window.ResizeObserver(function (entries) {
    entries.forEach(function (entry) { markScroller(entry.target.closest(".table-responsive")); });
  }) : null;
  function makeScrollersFocusable(root) {
    (root || document).querySelectorAll(".table-responsive").forEach(function (node) {
      markScroller(node);
      if (scrollerWatch && !node.hasAttribute("data-cm-watched")) {
        node.setAttribute("data-cm-watched", "");
        scrollerWatch.observe(node);
        if (node.firstElementChild) { scrollerWatch.observe(node.firstElementChild); }
      }
    });
  }
  document.addEventListener("htmx:afterSettle", function () { makeScrollersFocusable(document); });
  function init() {
    makeScrollersFocusable(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
