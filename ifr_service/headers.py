"""Security headers shared by every answer. The pages' own are in web/pages.py (PAGE_HEADERS and the
Content-Security-Policy); the API's and /healthz's in api/__init__.py (API_HEADERS)."""

from __future__ import annotations

# Production is served over HTTPS only: for a year, the browser uses nothing else for this host or
# any below it. Sent in production only, by the pages and the API alike.
HSTS = "max-age=31536000; includeSubDomains"
