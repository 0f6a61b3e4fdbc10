/* CloudManager front-end glue: toasts, loading indicators, focus after swaps, confirm dialogs.
   No inline code anywhere (CSP): pages opt in with data attributes, never with hx-on or onclick.
   - HX-Trigger {"toast": {"message": "…", "level": "success|info|warning|danger"}} shows a toast;
   - data-confirm="Delete this customer?" on a link, a button or a form asks first
     (optional data-confirm-title, data-confirm-button, data-confirm-tone="primary");
   - data-action="history-back" on a button goes back one page. */
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

  /* ---------- Focus after htmx swaps (keyboard and screen-reader users) ---------- */

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

  /* ---------- Confirm dialogs: data-confirm on links, buttons and forms ---------- */

  var dialog = { proceed: null, returnTo: null };

  function askConfirm(source, proceed) {
    var node = document.getElementById("confirm-dialog");
    var message = source.getAttribute("data-confirm") || "Are you sure?";
    if (!node || !window.bootstrap) {
      if (window.confirm(message)) { proceed(); }
      return;
    }
    var tone = source.getAttribute("data-confirm-tone") || "danger";
    var accept = node.querySelector("[data-confirm-accept]");
    node.querySelector("#confirm-dialog-title").textContent = source.getAttribute("data-confirm-title") || "Are you sure?";
    node.querySelector("#confirm-dialog-message").textContent = message;
    accept.textContent = source.getAttribute("data-confirm-button") || "Confirm";
    accept.className = "btn btn-" + (tone === "primary" ? "primary" : "danger");
    node.classList.toggle("is-primary", tone === "primary");
    dialog.proceed = proceed;
    dialog.returnTo = document.activeElement;
    window.bootstrap.Modal.getOrCreateInstance(node).show();
  }

  function wireDialog() {
    var node = document.getElementById("confirm-dialog");
    if (!node) { return; }
    node.querySelector("[data-confirm-accept]").addEventListener("click", function () {
      var proceed = dialog.proceed;
      dialog.proceed = null;
      window.bootstrap.Modal.getOrCreateInstance(node).hide();
      if (proceed) { proceed(); }
    });
    // The safe choice has the focus: Enter on a destructive dialog cancels.
    node.addEventListener("shown.bs.modal", function () {
      node.querySelector("[data-confirm-cancel]").focus();
    });
    node.addEventListener("hidden.bs.modal", function () {
      dialog.proceed = null;
      if (dialog.returnTo && dialog.returnTo.isConnected) { dialog.returnTo.focus(); }
      dialog.returnTo = null;
    });
  }

  // htmx requests: htmx asks us before every request; ours only when data-confirm is set.
  document.addEventListener("htmx:confirm", function (event) {
    var submitter = event.detail.triggeringEvent && event.detail.triggeringEvent.submitter;
    var elt = event.detail.elt;
    var source = submitter && submitter.hasAttribute("data-confirm") ? submitter
      : (elt && elt.hasAttribute("data-confirm") ? elt : null);
    if (!source) { return; }
    event.preventDefault();
    askConfirm(source, function () { event.detail.issueRequest(true); });
  });

  // Plain links.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-confirm]") : null;
    if (!link || link.matches(HTMX_VERBS)) { return; }
    event.preventDefault();
    askConfirm(link, function () { window.location.assign(link.href); });
  }, true);

  // Plain forms (or their submit buttons); htmx forms are handled by htmx:confirm above.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (form.matches(HTMX_VERBS)) { return; }
    var source = submitter && submitter.hasAttribute("data-confirm") ? submitter
      : (form.hasAttribute("data-confirm") ? form : null);
    if (!source) { return; }
    if (form.getAttribute("data-confirmed") === "yes") { form.removeAttribute("data-confirmed"); return; }
    event.preventDefault();
    askConfirm(source, function () {
      form.setAttribute("data-confirmed", "yes");
      form.requestSubmit(submitter || undefined);
    });
  }, true);

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
    wireDialog();
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
