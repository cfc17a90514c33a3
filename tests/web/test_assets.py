"""The front-end packages are the ones package-lock.json pins, or none at all."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile

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


def test_the_static_folder_holds_the_compiled_design_system():
    assert (assets.STATIC_DIR / "nhsuk-frontend" / "nhsuk-frontend.min.css").exists()
    assert (assets.STATIC_DIR / "nhsuk-frontend" / "nhsuk-frontend.min.js").exists()
