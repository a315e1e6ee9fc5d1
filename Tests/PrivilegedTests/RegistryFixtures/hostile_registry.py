#!/usr/bin/env python3
"""A registry that gives hostile answers, one repository per kind, for the pull tests.

  wrongdigest  the layer blob's bytes do not match its digest
  big          the manifest is over the 4 MiB limit
  loop         the manifest URL redirects in a loop
  truncated    the layer blob stops halfway the first time (Content-Length promises more);
               a later Range request gets the rest (206), so a pull resumes
  badrealm     every request is answered 401 with a Bearer realm that is not a URL
  good         a valid one-layer image (the control)

usage: hostile_registry.py PORT
"""
import gzip
import hashlib
import io
import json
import sys
import tarfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    payload = b"hello from a hostile registry\n" * 2000
    info = tarfile.TarInfo("hello.txt")
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))
layer_tar = buf.getvalue()
layer = gzip.compress(layer_tar, mtime=0)
config = json.dumps({
    "architecture": "amd64", "os": "linux", "config": {"Cmd": ["/hello.txt"]},
    "rootfs": {"type": "layers", "diff_ids": [digest(layer_tar)]},
}).encode()
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": len(config),
               "digest": digest(config)},
    "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": len(layer),
                "digest": digest(layer)}],
}).encode()


STATE = {"truncated": 0, "ranges": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None, length=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/v2/":
            return self.send(200, b"{}")
        if path == "/stats":
            return self.send(200, json.dumps(STATE).encode())
        parts = path.split("/")
        repo = parts[2] if len(parts) > 2 else ""
        if repo == "badrealm":
            return self.send(401, b"{}", {"WWW-Authenticate": 'Bearer realm="not a url",service="x"'})
        if path.endswith("/manifests/latest"):
            if repo == "big":
                return self.send(200, b" " * (5 << 20), {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
            if repo == "loop":
                return self.send(302, b"", {"Location": "/v2/loop/manifests/other"})
            return self.send(200, manifest, {"Content-Type": "application/vnd.docker.distribution.manifest.v2+json",
                                             "Docker-Content-Digest": digest(manifest)})
        if path.endswith("/manifests/other") and repo == "loop":
            return self.send(302, b"", {"Location": "/v2/loop/manifests/latest"})
        if path.endswith("/blobs/" + digest(config)):
            return self.send(200, config)
        if path.endswith("/blobs/" + digest(layer)):
            if repo == "wrongdigest":
                bad = bytearray(layer)
                bad[len(bad) // 2] ^= 0xFF
                return self.send(200, bytes(bad))
            if repo == "truncated" and self.headers.get("Range"):
                start = int(self.headers["Range"].split("=")[1].split("-")[0])
                STATE["ranges"] += 1
                return self.send(206, layer[start:], {"Content-Range": f"bytes {start}-{len(layer) - 1}/{len(layer)}"})
            if repo == "truncated" and STATE["truncated"] == 0:
                STATE["truncated"] += 1
                self.send_response(200)
                self.send_header("Content-Length", str(len(layer)))
                self.end_headers()
                self.wfile.write(layer[: len(layer) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            return self.send(200, layer)
        self.send(404, b'{"errors":[{"code":"NOT_FOUND","message":"not here"}]}')


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
