// Starts the vendored Swagger UI on the document the page names; a file of its own, so the page's
// Content-Security-Policy can forbid inline scripts.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
  });
});
