"""The design system's files reach a browser small, once, and from this service alone."""

from __future__ import annotations

import re

from ifr_service.web.static import asset_url, is_fingerprinted

ONE_YEAR = 365 * 24 * 60 * 60


def test_a_page_asks_for_the_design_system_by_its_fingerprinted_address(client):
    page = client.get("/sign-in", follow_redirects=True).text
    stylesheet = asset_url("nhsuk-frontend.min.css")
    assert f'href="{stylesheet}"' in page and asset_url("nhsuk-frontend.min.js") in page
    assert re.fullmatch(r"/static/nhsuk-frontend\.min\.[0-9a-f]{12}\.css", stylesheet)


def test_no_page_names_another_site_for_a_style_script_font_or_icon(client):
    page = client.get("/sign-in", follow_redirects=True).text
    assert re.findall(r'(?:href|src)="(?:https?:)?//[^"]+"', page) == []
    with client.get(asset_url("nhsuk-frontend.min.css")) as stylesheet:
        assert "assets.nhs.uk" not in stylesheet.text and "@font-face" not in stylesheet.text


def test_the_stylesheet_is_sent_compressed_and_kept_for_a_year(client):
    with client.get(asset_url("nhsuk-frontend.min.css"), headers={"Accept-Encoding": "gzip, br"}) as reply:
        assert reply.status_code == 200
        assert reply.headers["Content-Encoding"] == "gzip"
        assert reply.content_length < 40_000  # 278 KB as the design system ships it
        cache = reply.headers["Cache-Control"]
        assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= ONE_YEAR
        assert reply.headers["Vary"] == "Accept-Encoding"
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert "Access-Control-Allow-Origin" not in reply.headers


def test_a_browser_that_accepts_no_compression_gets_the_plain_file(client):
    with client.get(asset_url("nhsuk-frontend.min.js"), headers={"Accept-Encoding": "identity"}) as reply:
        assert "Content-Encoding" not in reply.headers
        assert reply.content_type.startswith("text/javascript")
        assert b"initAll" in reply.data


def test_only_a_fingerprinted_name_is_cached_for_ever():
    assert is_fingerprinted("", "/static/nhsuk-frontend.min.4f17c41886eb.css")
    assert not is_fingerprinted("", "/static/manifest.json")
    assert not is_fingerprinted("", "/static/nhsuk-frontend.min.css")


def test_the_design_systems_icons_are_where_its_css_asks_for_them(client):
    with client.get(asset_url("nhsuk-frontend.min.css")) as stylesheet:
        icons = set(re.findall(r"url\((/static/images/[^)]+)\)", stylesheet.text))
    assert icons
    for icon in icons:
        with client.get(icon) as response:
            assert response.status_code == 200, icon
