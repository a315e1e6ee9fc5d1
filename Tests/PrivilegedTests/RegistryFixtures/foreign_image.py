#!/usr/bin/env python3
"""Makes an image with a foreign layer, as Windows base images have: takes the image at
REGISTRY/SRC:latest (schema 2), adds a layer holding /foreign.txt whose gzip blob is NOT uploaded
but written to OUTDIR/layer.tar.gz (to be served at URL), and puts the result at
REGISTRY/DST:latest with that layer's descriptor typed foreign and carrying `urls: [URL]`.
Prints the foreign layer's digest.

Usage: foreign_image.py REGISTRY SRC DST OUTDIR URL
"""
import gzip
import hashlib
import io
import json
import sys
import tarfile
import urllib.request

registry, src, dst, outdir, url = sys.argv[1:6]
base = f"http://{registry}/v2"
manifest_type = "application/vnd.docker.distribution.manifest.v2+json"


def request(method, path, data=None, headers=None):
    req = urllib.request.Request(base + path if path.startswith("/") else path, data=data, method=method)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    return urllib.request.urlopen(req)


def put_blob(repo, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    start = request("POST", f"/{repo}/blobs/uploads/", b"")
    location = start.headers["Location"]
    if location.startswith("/"):
        location = f"http://{registry}{location}"
    sep = "&" if "?" in location else "?"
    request("PUT", f"{location}{sep}digest={digest}", data, {"Content-Type": "application/octet-stream"})
    return digest


manifest = json.load(request("GET", f"/{src}/manifests/latest", headers={"Accept": manifest_type}))
config = json.load(request("GET", f"/{src}/blobs/{manifest['config']['digest']}"))

content = b"from a foreign URL\n"
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
    info = tarfile.TarInfo("foreign.txt")
    info.size = len(content)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(content))
layer = raw.getvalue()
blob = gzip.compress(layer, mtime=0)
with open(f"{outdir}/layer.tar.gz", "wb") as f:
    f.write(blob)
layer_digest = "sha256:" + hashlib.sha256(blob).hexdigest()

config["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(layer).hexdigest())
config_bytes = json.dumps(config).encode()
# Every blob the manifest names but the foreign one must be in the destination repository.
for layer_descriptor in manifest["layers"]:
    data = request("GET", f"/{src}/blobs/{layer_descriptor['digest']}").read()
    put_blob(dst, data)
manifest["config"] = {
    "mediaType": manifest["config"]["mediaType"],
    "size": len(config_bytes),
    "digest": put_blob(dst, config_bytes),
}
manifest["layers"].append({
    "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    "size": len(blob),
    "digest": layer_digest,
    "urls": [url],
})
request("PUT", f"/{dst}/manifests/latest", json.dumps(manifest).encode(), {"Content-Type": manifest_type})
print(layer_digest)
