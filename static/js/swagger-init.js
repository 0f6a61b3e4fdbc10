/* Starts Swagger UI on /api/docs (a file, not inline code, because of our CSP). */
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: node.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
