# ruff: noqa
# fmt: off
"""Configuration rules: weak hash (328), weak random (330), cookie flags (614/1004), debug,
TLS verification, unsafe YAML, shell=True: vulnerable lines and their safe twins."""
import hashlib
import random
import secrets
import shlex
import subprocess

import requests
import yaml
from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/hash/01")
def hash_01():
    digest = hashlib.md5(b"password").hexdigest()  # expect: python.weak-hash
    return digest


@app.route("/hash/01-safe")
def hash_01_safe():
    digest = hashlib.sha256(b"password").hexdigest()  # ok: python.weak-hash
    return digest


@app.route("/hash/02")
def hash_02():
    algorithm = "sha1"
    digest = hashlib.new(algorithm, b"secret").hexdigest()  # expect: python.weak-hash
    return digest


@app.route("/hash/02-safe")
def hash_02_safe():
    checksum = hashlib.md5(b"file contents", usedforsecurity=False).hexdigest()  # ok: python.weak-hash
    return checksum


@app.route("/rand/01")
def rand_01():
    token = str(random.random())  # expect: python.weak-random
    response = make_response("ok")
    response.set_cookie("remember", token, secure=True, httponly=True, samesite="Lax")
    return response


@app.route("/rand/01-safe")
def rand_01_safe():
    token = secrets.token_hex(16)  # ok: python.weak-random
    response = make_response("ok")
    response.set_cookie("remember", token, secure=True, httponly=True, samesite="Lax")
    return response


@app.route("/cookie/01")
def cookie_01():
    response = make_response("ok")
    response.set_cookie("session_hint", "x", httponly=True)  # expect: python.cookie-without-secure
    return response


@app.route("/cookie/02")
def cookie_02():
    response = make_response("ok")
    response.set_cookie("pref", "x", secure=True)  # expect: python.cookie-without-httponly
    return response


@app.route("/cookie/02-safe")
def cookie_02_safe():
    response = make_response("ok")
    response.set_cookie("pref", "x", secure=True, httponly=True, samesite="Strict")  # ok: python.cookie-without-secure, python.cookie-without-httponly
    return response


def fetch_status():
    insecure = requests.get("https://internal/status", verify=False)  # expect: python.tls-verify-disabled
    secure = requests.get("https://internal/status", timeout=5)  # ok: python.tls-verify-disabled
    return insecure.status_code + secure.status_code


def load_settings(path):
    with open(path) as handle:
        unsafe = yaml.load(handle, Loader=yaml.Loader)  # expect: python.unsafe-yaml-load
    with open(path) as handle:
        safe = yaml.load(handle, Loader=yaml.SafeLoader)  # ok: python.unsafe-yaml-load
    return unsafe, safe


def list_dir(name):
    subprocess.run("ls -l /srv", shell=True)  # ok: python.subprocess-shell
    subprocess.run(["ls", "-l", "/srv"])  # ok: python.subprocess-shell
    subprocess.run("ls -l /srv/" + name, shell=True)  # expect: python.subprocess-shell
    subprocess.run("ls -l /srv/" + shlex.quote(name), shell=True)  # ok: python.subprocess-shell


if __name__ == "__main__":
    app.run(debug=True)  # expect: python.debug-enabled
