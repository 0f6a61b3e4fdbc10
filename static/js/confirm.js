/* Confirm dialogs: data-confirm="Delete this customer?" on a link, a button (htmx or not) or a
   form asks first, in the Bootstrap dialog of templates/_confirm.html. Optional attributes:
   data-confirm-title, data-confirm-button ("Delete customer"), data-confirm-tone="primary". */
(function () {
  "use strict";

  var HTMX_VERBS = "[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete]," +
    "[data-hx-get],[data-hx-post],[data-hx-put],[data-hx-patch],[data-hx-delete]";

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

  function init() {
    wireDialog();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
