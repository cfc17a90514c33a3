"""The front-end packages are the ones package-lock.json pins, or none at all."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import re
import tarfile
from pathlib import Path

import pytest

from ifr_service.config import PROJECT_ROOT
from ifr_service.web import assets


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_the_lockfile_pins_the_design_system_and_axe():
    locked = assets.locked_packages(PROJECT_ROOT / "package-lock.json")
    assert locked["nhsuk-frontend"]["version"] == "10.6.1"
    assert locked["axe-core"]["integrity"].startswith("sha512-")


def test_a_package_is_unpacked_from_its_package_folder_and_nothing_escapes(tmp_path):
    target = tmp_path / "node_modules" / "example"
    assets.unpack(tarball({"package/package.json": b'{"version": "1.0.0"}', "package/dist/a.css": b"a{}",
                           "outside.txt": b"ignored"}), target)
    assert assets.installed_version(target) == "1.0.0"
    assert (target / "dist" / "a.css").read_bytes() == b"a{}"
    assert not (tmp_path / "node_modules" / "outside.txt").exists()


def test_a_tarball_that_does_not_match_the_lockfile_is_refused(monkeypatch):
    content = b"not the package"
    other = "sha512-" + base64.b64encode(hashlib.sha512(b"the package").digest()).decode()

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    # The registry is an external boundary: it is stood in for here, behind urlopen's own interface.
    monkeypatch.setattr(assets.urllib.request, "urlopen", lambda url, timeout: Response(content))
    with pytest.raises(assets.AssetError, match="integrity"):
        assets.download("https://registry.example", "example", {"version": "1.0.0", "integrity": other})


def test_the_static_folder_holds_the_compiled_design_system_under_fingerprinted_names():
    manifest = assets.read_manifest(assets.STATIC_DIR)
    for logical in ("nhsuk-frontend.min.css", "nhsuk-frontend.min.js", "images/favicon.svg"):
        published = manifest[logical]
        assert re.fullmatch(r"[\w/.-]+\.[0-9a-f]{12}\.\w+", published), published
        assert (assets.STATIC_DIR / published).is_file()
        assert gzip.decompress((assets.STATIC_DIR / f"{published}.gz").read_bytes()) == (
            assets.STATIC_DIR / published).read_bytes()


def a_design_system(root: Path, css: str, js: str = "export const initAll = () => {};") -> Path:
    """A dist folder shaped like nhsuk-frontend's: its CSS, its JavaScript and its icons."""
    (root / "assets" / "images").mkdir(parents=True)
    (root / "assets" / "images" / "nhsuk-icon-cross.svg").write_text("<svg/>")
    (root / "nhsuk-frontend.min.css").write_text(css)
    (root / "nhsuk-frontend.min.js").write_text(js + "//# sourceMappingURL=nhsuk-frontend.min.js.map")
    return root


FONT_RULE = ('@font-face{font-family:Frutiger W01;font-display:fallback;'
             'src:url(https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff2) format("woff2")}')


def test_the_web_font_from_another_site_is_dropped_and_icons_point_at_their_published_copies(tmp_path):
    dist = a_design_system(tmp_path, FONT_RULE + "body{font-family:Frutiger W01,Arial,sans-serif}"
                           ".x{background:url(/assets/images/nhsuk-icon-cross.svg)}"
                           "/*# sourceMappingURL=nhsuk-frontend.min.css.map */")
    files, manifest = assets.build_publication(dist)
    css = files[manifest["nhsuk-frontend.min.css"]].decode()
    assert css == ("body{font-family:Frutiger W01,Arial,sans-serif}"
                   f".x{{background:url(/static/{manifest['images/nhsuk-icon-cross.svg']})}}")
    assert b"sourceMappingURL" not in files[manifest["nhsuk-frontend.min.js"]]


@pytest.mark.parametrize("css", ['.x{background:url("https://cdn.example/x.png")}',
                                 ".x{background:url(//cdn.example/x.png)}",
                                 ".x{background:url(/assets/images/not-shipped.svg)}"])
def test_a_stylesheet_that_would_still_ask_elsewhere_is_refused(tmp_path, css):
    with pytest.raises(assets.AssetError):
        assets.build_publication(a_design_system(tmp_path, css))


def test_new_content_is_a_new_address_and_the_same_content_the_same_bytes(tmp_path):
    first = assets.build_publication(a_design_system(tmp_path / "a", "a{color:red}"))
    again = assets.build_publication(a_design_system(tmp_path / "b", "a{color:red}"))
    changed = assets.build_publication(a_design_system(tmp_path / "c", "a{color:blue}"))
    assert first == again  # gzip copies carry no time, so a re-publication changes nothing
    assert first[1]["nhsuk-frontend.min.css"] != changed[1]["nhsuk-frontend.min.css"]


def test_publishing_replaces_the_old_files_whole_and_is_a_no_op_when_current(tmp_path):
    static = tmp_path / "static"
    assets.publish_frontend(a_design_system(tmp_path / "old", "a{color:red}"), static)
    old_css = static / assets.read_manifest(static)["nhsuk-frontend.min.css"]
    assets.publish_frontend(a_design_system(tmp_path / "new", "a{color:blue}"), static)
    new_css = static / assets.read_manifest(static)["nhsuk-frontend.min.css"]
    assert new_css.read_text() == "a{color:blue}" and not old_css.exists()
    written = new_css.stat().st_mtime_ns
    assets.publish_frontend(a_design_system(tmp_path / "same", "a{color:blue}"), static)
    assert new_css.stat().st_mtime_ns == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "old", "same", "static"]
