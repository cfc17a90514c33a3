"""The front-end packages, fetched from the npm registry as package-lock.json pins them.

`npm ci` would do the same, but a fresh machine need not have Node.js: this reads the
lockfile, downloads each package's tarball, refuses one whose SHA-512 differs from the
lockfile's integrity, and unpacks it into node_modules/. The NHS.UK frontend's compiled
CSS, JavaScript and images are then copied into the git-ignored static folder the pages
are served from. Nothing of a third party's code is kept in the repository.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import tarfile
import urllib.request
from pathlib import Path

DEFAULT_REGISTRY = "https://registry.npmjs.org"
STATIC_DIR = Path(__file__).parent / "static"
FRONTEND = "nhsuk-frontend"


class AssetError(RuntimeError):
    """A package could not be fetched, or was not the one the lockfile pins."""


def install_assets(project_root: Path, registry: str | None = None) -> list[str]:
    """Fetch every locked package that is missing or of another version; returns those fetched."""
    registry = (registry or os.environ.get("NPM_CONFIG_REGISTRY") or DEFAULT_REGISTRY).rstrip("/")
    fetched = []
    for name, locked in locked_packages(project_root / "package-lock.json").items():
        target = project_root / "node_modules" / name
        if installed_version(target) != locked["version"]:
            unpack(download(registry, name, locked), target)
            fetched.append(f"{name}@{locked['version']}")
    publish_frontend(project_root / "node_modules" / FRONTEND / "dist" / "nhsuk", STATIC_DIR / FRONTEND)
    return fetched


def locked_packages(lockfile: Path) -> dict[str, dict]:
    packages = json.loads(lockfile.read_text())["packages"]
    return {path.removeprefix("node_modules/"): entry for path, entry in packages.items()
            if path.startswith("node_modules/")}


def installed_version(target: Path) -> str | None:
    manifest = target / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.exists() else None


def download(registry: str, name: str, locked: dict) -> bytes:
    url = f"{registry}/{name}/-/{name.rsplit('/', 1)[-1]}-{locked['version']}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            content = response.read()
    except OSError as error:
        raise AssetError(f"could not fetch {url}: {error}") from error
    algorithm, _, expected = locked["integrity"].partition("-")
    if base64.b64encode(hashlib.new(algorithm, content).digest()).decode() != expected:
        raise AssetError(f"{url} does not match the integrity package-lock.json pins")
    return content


def unpack(tarball: bytes, target: Path) -> None:
    """Unpack an npm tarball (its files under package/) into target, replacing what was there."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            member.name = member.name.removeprefix("package/")
            archive.extract(member, target, filter="data")  # refuses paths that leave target


def publish_frontend(dist: Path, static: Path) -> None:
    if not dist.is_dir():
        raise AssetError(f"{dist} is missing: run `ifr-service assets install` again")
    if static.exists() and _same_tree(dist, static):
        return
    shutil.rmtree(static, ignore_errors=True)
    shutil.copytree(dist, static)


def _same_tree(left: Path, right: Path) -> bool:
    def listing(root: Path) -> set[tuple[str, int]]:
        return {(str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()}

    return listing(left) == listing(right)
