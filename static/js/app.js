/* CloudManager front-end glue: toasts, focus after swaps. No inline code (CSP). */
(function () {
  "use strict";

  function showToast(message, level) {
    var template = document.getElementById("toast-template");
    var container = document.getElementById("toasts");
    if (!template || !container || !window.bootstrap) { return; }
    var node = template.content.firstElementChild.cloneNode(true);
    node.classList.add("text-bg-" + (level || "success"));
    node.querySelector(".toast-body").textContent = message;
    container.appendChild(node);
    var toast = new window.bootstrap.Toast(node, { delay: 5000 });
    node.addEventListener("hidden.bs.toast", function () { node.remove(); });
    toast.show();
  }
  window.cmToast = showToast;

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".toast[data-autoshow]").forEach(function (node) {
      if (window.bootstrap) { new window.bootstrap.Toast(node, { delay: 6000 }).show(); }
    });
  });

  // HX-Trigger: {"toast": {...}} fires on the requesting element and bubbles here.
  document.addEventListener("toast", function (event) {
    var detail = event.detail || {};
    showToast(detail.message || "", detail.level);
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && !xhr.getResponseHeader("HX-Trigger")) {
      showToast("The request failed (" + xhr.status + "). Please try again.", "danger");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showToast("The server could not be reached. Check your connection.", "danger");
  });
})();
