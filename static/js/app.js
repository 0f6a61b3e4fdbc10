/* CloudManager front-end glue: toasts and loading indicators. No inline code anywhere (CSP):
   pages opt in with data attributes, never with hx-on or onclick (see docs/ui.md).
   - HX-Trigger {"toast": {"message": "…", "level": "success|info|warning|danger"}} shows a toast;
   - data-action="history-back" on a button goes back one page.
   confirm.js asks before destructive actions; keyboard.js keeps the page usable by keyboard. */
(function () {
  "use strict";

  var ICONS = {
    success: "check-circle-fill",
    danger: "exclamation-octagon-fill",
    warning: "exclamation-triangle-fill",
    info: "info-circle-fill"
  };
  var ALIASES = { error: "danger", message: "info", primary: "info" };
  var HTMX_VERBS = "[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete]," +
    "[data-hx-get],[data-hx-post],[data-hx-put],[data-hx-patch],[data-hx-delete]";

  /* ---------- Toasts ---------- */

  function toastLevel(level) {
    level = ALIASES[level] || level || "success";
    return ICONS[level] ? level : "info";
  }

  function showToast(message, level) {
    var template = document.getElementById("toast-template");
    var container = document.getElementById("toasts");
    if (!template || !container || !message) { return null; }
    level = toastLevel(level);
    var node = template.content.firstElementChild.cloneNode(true);
    node.classList.add("cm-toast-" + level);
    node.setAttribute("role", level === "danger" ? "alert" : "status");
    node.querySelector(".cm-toast-icon").classList.add("bi-" + ICONS[level]);
    node.querySelector(".cm-toast-message").textContent = message;
    container.appendChild(node);
    startToast(node, level === "danger" ? 8000 : 5000);
    return node;
  }
  window.cmToast = showToast;

  function startToast(node, delay) {
    if (!window.bootstrap) { node.classList.add("show"); return; }
    node.addEventListener("hidden.bs.toast", function () { node.remove(); });
    new window.bootstrap.Toast(node, { delay: delay }).show();
  }

  // HX-Trigger: {"toast": {...}} fires on the requesting element and bubbles here.
  document.addEventListener("toast", function (event) {
    var detail = event.detail || {};
    showToast(detail.message || detail.value || "", detail.level);
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && !xhr.getResponseHeader("HX-Trigger")) {
      showToast("The request failed (" + xhr.status + "). Please try again.", "danger");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showToast("The server could not be reached. Check your connection and try again.", "danger");
  });
  document.addEventListener("htmx:timeout", function () {
    showToast("The server took too long to answer. Please try again.", "warning");
  });

  /* ---------- Loading: top bar, busy buttons ---------- */

  var pending = 0;
  var loadingTimer = null;

  function setLoading(delta) {
    pending = Math.max(0, pending + delta);
    document.documentElement.classList.toggle("is-loading", pending > 0);
  }

  function submitButtons(form) {
    return form && form.querySelectorAll ? form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]") : [];
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    setLoading(1);
    elt.setAttribute("aria-busy", "true");
    // Values are already collected: disabling now only prevents a double submit.
    submitButtons(elt.tagName === "FORM" ? elt : null).forEach(function (button) {
      if (!button.disabled) { button.disabled = true; button.setAttribute("data-cm-disabled", ""); }
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    setLoading(-1);
    elt.removeAttribute("aria-busy");
    submitButtons(elt.tagName === "FORM" ? elt : null).forEach(function (button) {
      if (button.hasAttribute("data-cm-disabled")) { button.disabled = false; button.removeAttribute("data-cm-disabled"); }
    });
  });

  // Ordinary (non-htmx) form posts: spinner in the button and the top bar until the page goes.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.matches(HTMX_VERBS) || form.hasAttribute("data-no-busy")) { return; }
    var submitter = event.submitter;
    form.classList.add("is-submitting");
    if (submitter) { submitter.classList.add("is-busy"); }
    setLoading(1);
    // Disable after the browser has read the submitter's name/value.
    window.setTimeout(function () { if (submitter) { submitter.disabled = true; } }, 0);
    // A download answers without leaving the page: give the form back after a while.
    window.clearTimeout(loadingTimer);
    loadingTimer = window.setTimeout(function () { resetBusy(); }, 8000);
  });

  function resetBusy() {
    pending = 0;
    setLoading(0);
    document.querySelectorAll("form.is-submitting").forEach(function (form) { form.classList.remove("is-submitting"); });
    document.querySelectorAll(".btn.is-busy").forEach(function (button) {
      button.classList.remove("is-busy");
      button.disabled = false;
    });
  }
  // Coming back with the back button restores the page from cache: undo the busy state.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { resetBusy(); } });

  /* ---------- History snapshots ---------- */

  // htmx keeps a copy of the page for the back button: old toasts would come back without
  // their timers, so they leave before the copy is taken.
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("#toasts .toast").forEach(function (node) { node.remove(); });
  });

  /* ---------- Small behaviours ---------- */

  document.addEventListener("click", function (event) {
    var back = event.target.closest ? event.target.closest("[data-action='history-back']") : null;
    if (!back) { return; }
    event.preventDefault();
    if (window.history.length > 1) { window.history.back(); } else { window.location.assign("/"); }
  });

  function init() {
    document.querySelectorAll(".toast[data-autoshow]").forEach(function (node) {
      startToast(node, node.classList.contains("cm-toast-danger") ? 8000 : 6000);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
