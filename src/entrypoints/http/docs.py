"""The schema viewer at /schema: Swagger UI from the vendored npm package, so it works without internet."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin

SWAGGER = "/static/vendor/swagger-ui-5.35.0"


class OfflineSwagger(OpenAPIRenderPlugin):
    """Litestar's own viewers load their scripts from CDNs and start them inline; this one does neither."""

    def __init__(self) -> None:
        super().__init__(path=["/", "/swagger"])

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = openapi_schema["info"]["title"]
        return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="/static/favicon.svg">
  <link rel="stylesheet" href="{SWAGGER}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{self.get_openapi_json_route(request)}"></div>
  <script src="{SWAGGER}/swagger-ui-bundle.js"></script>
  <script src="/static/docs/swagger-init.js"></script>
</body>
</html>
""".encode()


def docs_render_plugins() -> list[OpenAPIRenderPlugin]:
    return [OfflineSwagger(), JsonRenderPlugin()]
