"""The front-end packages, fetched from the npm registry as package-lock.json pins them.

`npm ci` would do the same, but a fresh machine need not have Node.js: this reads the
lockfile, downloads each package's tarball, refuses one whose SHA-512 differs from the
lockfile's integrity, and unpacks it into node_modules/. The NHS.UK frontend's compiled
CSS, JavaScript and images are then published, under fingerprinted names and with gzip
copies, into the git-ignored static folder the pages are served from (web/static.py).
Nothing of a third party's code is kept in the repository.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import urllib.request
from pathlib import Path

DEFAULT_REGISTRY = "https://registry.npmjs.org"
STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/static/"
MANIFEST = "manifest.json"
FRONTEND = "nhsuk-frontend"
AUTOCOMPLETE = "accessible-autocomplete"  # GOV.UK's, for the commissioner question
OWN_ASSETS = Path(__file__).parent / "own_assets"  # the service's own small scripts and print styles
FINGERPRINT_LENGTH = 12  # hex digits of SHA-256: far beyond any chance of two versions colliding
COMPRESSIBLE = {"css", "js", "svg", "ico"}  # PNGs are compressed already
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
ICON_URL = re.compile(r"url\(/assets/(images/[^)\s\"']+)\)")
EXTERNAL_URL = re.compile(r"url\([\"']?((?:https?:)?//[^)\"']+)")
SOURCE_MAP = re.compile(r"/[*/]# sourceMappingURL=[^\n*]*(?:\*/)?")


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
    publish_frontend(project_root / "node_modules" / FRONTEND / "dist" / "nhsuk", STATIC_DIR)
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
    """Publish what the pages use of the design system into `static`, unless it is there already.

    Each file gets a fingerprinted name (its content's hash), so browsers may keep it for a year and
    a new version is a new address; each text file a gzip copy beside it, for the browsers that
    accept one (web.static serves them). The compiled CSS asks for the NHS's web font from
    assets.nhs.uk and for its icons at /assets/: the font rules are dropped (the design system's own
    stack then falls back to Arial; docs/decisions/0006) and the icons are pointed at their
    fingerprinted copies, so no page waits on another site.
    """
    if not dist.is_dir():
        raise AssetError(f"{dist} is missing: run `ifr-service assets install` again")
    files, manifest = build_publication(dist)
    if read_manifest(static) == manifest and all((static / name).is_file() for name in files):
        return
    fresh = static.with_name(static.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    for name, content in files.items():
        (fresh / name).parent.mkdir(parents=True, exist_ok=True)
        (fresh / name).write_bytes(content)
    (fresh / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    # Swap whole folders, so that a process serving the old files never sees half of the new ones.
    stale = static.with_name(static.name + ".old")
    shutil.rmtree(stale, ignore_errors=True)
    if static.exists():
        static.rename(stale)
    fresh.rename(static)
    shutil.rmtree(stale, ignore_errors=True)


def build_publication(dist: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files to publish (their fingerprinted names and bytes, gzip copies included) and the
    manifest from each logical name the templates use to its published name."""
    manifest: dict[str, str] = {}
    files: dict[str, bytes] = {}

    def publish(logical: str, content: bytes) -> None:
        stem, dot, extension = logical.rpartition(".")
        name = f"{stem}.{hashlib.sha256(content).hexdigest()[:FINGERPRINT_LENGTH]}{dot}{extension}"
        manifest[logical], files[name] = name, content
        if extension in COMPRESSIBLE:
            files[name + ".gz"] = gzip.compress(content, compresslevel=9, mtime=0)  # the same bytes each time

    for image in sorted((dist / "assets" / "images").iterdir()):
        publish(f"images/{image.name}", image.read_bytes())
    css = (dist / "nhsuk-frontend.min.css").read_text()
    publish("nhsuk-frontend.min.css", local_stylesheet(css, manifest).encode())
    js = (dist / "nhsuk-frontend.min.js").read_text()
    publish("nhsuk-frontend.min.js", SOURCE_MAP.sub("", js).encode())
    autocomplete = dist.parents[1].parent / AUTOCOMPLETE / "dist"  # node_modules/accessible-autocomplete
    for name in ("accessible-autocomplete.min.js", "accessible-autocomplete.min.css"):
        if (autocomplete / name).is_file():
            publish(name, SOURCE_MAP.sub("", (autocomplete / name).read_text()).encode())
    for own in sorted([*OWN_ASSETS.glob("*.js"), *OWN_ASSETS.glob("*.css")]):
        publish(own.name, own.read_bytes())
    return files, manifest


def local_stylesheet(css: str, manifest: dict[str, str]) -> str:
    """The design system's CSS asking for nothing from another site: its web-font rules dropped, its
    icons pointed at their published copies. Refuses a stylesheet that would still go elsewhere."""
    css = FONT_FACE.sub(lambda rule: "" if "url(http" in rule.group(0) else rule.group(0), css)

    def published_icon(match: re.Match) -> str:
        logical = match.group(1)
        if logical not in manifest:
            raise AssetError(f"the design system's CSS asks for /assets/{logical}, which it does not ship")
        return f"url({STATIC_URL}{manifest[logical]})"

    css = SOURCE_MAP.sub("", ICON_URL.sub(published_icon, css))
    elsewhere = EXTERNAL_URL.findall(css)
    if elsewhere:
        raise AssetError(f"the design system's CSS asks another site for {elsewhere[0]}: pages must not wait "
                         "on another site (docs/decisions/0006)")
    return css


def read_manifest(static: Path) -> dict[str, str] | None:
    try:
        return json.loads((static / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
