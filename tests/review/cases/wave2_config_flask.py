# ruff: noqa
# fmt: off
"""Configuration rules as other people write them in Flask apps: hashlib.new names, hashes for
passwords vs checksums, random for tokens vs for display order, cookie flags, debug from the
environment, TLS verification. Vulnerable lines and their safe twins."""
import hashlib
import os
import random
import secrets
import string

import requests
from flask import Flask, jsonify, make_response, request

app = Flask(__name__)
QUESTIONS = ["q1", "q2", "q3", "q4"]
TIPS = ["Drink water", "Stretch", "Sleep"]


@app.route("/w2/hash/password", methods=["POST"])
def hash_password():
    password = request.form["password"]
    digest = hashlib.new("md5", password.encode()).hexdigest()  # expect: python.weak-hash
    return jsonify(digest=digest)


@app.route("/w2/hash/password-sha1", methods=["POST"])
def hash_password_sha1():
    password = request.form["password"]
    digest = hashlib.sha1(password.encode()).hexdigest()  # expect: python.weak-hash
    return jsonify(digest=digest)


@app.route("/w2/hash/password-safe", methods=["POST"])
def hash_password_safe():
    password = request.form["password"]
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 200_000).hex()  # ok: python.weak-hash
    return jsonify(digest=digest)


@app.route("/w2/hash/checksum", methods=["POST"])
def hash_checksum():
    checksum = hashlib.md5(request.data, usedforsecurity=False).hexdigest()  # ok: python.weak-hash
    return jsonify(checksum=checksum)


@app.route("/w2/hash/new-sha256", methods=["POST"])
def hash_new_sha256():
    algorithm = "sha256"
    digest = hashlib.new(algorithm, request.data).hexdigest()  # ok: python.weak-hash
    return jsonify(digest=digest)


def token_hash(value):
    algo = "sha1"
    return hashlib.new(algo, value.encode()).hexdigest()  # expect: python.weak-hash


@app.route("/w2/rand/reset", methods=["POST"])
def rand_reset():
    token = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(32))  # expect: python.weak-random
    return jsonify(reset_token=token)


@app.route("/w2/rand/reset-safe", methods=["POST"])
def rand_reset_safe():
    token = secrets.token_urlsafe(32)  # ok: python.weak-random
    return jsonify(reset_token=token)


@app.route("/w2/rand/otp")
def rand_otp():
    code = random.randint(100000, 999999)  # expect: python.weak-random
    return jsonify(otp=code)


@app.route("/w2/rand/otp-safe")
def rand_otp_safe():
    code = secrets.randbelow(900000) + 100000  # ok: python.weak-random
    return jsonify(otp=code)


@app.route("/w2/rand/quiz")
def rand_quiz():
    order = list(QUESTIONS)
    random.shuffle(order)  # ok: python.weak-random
    return jsonify(questions=order)


@app.route("/w2/rand/tip")
def rand_tip():
    return jsonify(tip=random.choice(TIPS))  # ok: python.weak-random


@app.route("/w2/rand/system")
def rand_system():
    rng = random.SystemRandom()
    session_id = "".join(rng.choice(string.hexdigits) for _ in range(40))  # ok: python.weak-random
    return jsonify(session_id=session_id)


@app.route("/w2/cookie/session")
def cookie_session():
    resp = make_response("logged in")
    resp.set_cookie("session_id", secrets.token_hex(16))  # expect: python.cookie-without-secure, python.cookie-without-httponly
    return resp


@app.route("/w2/cookie/session-safe")
def cookie_session_safe():
    resp = make_response("logged in")
    resp.set_cookie("session_id", secrets.token_hex(16), secure=True, httponly=True, samesite="Lax")  # ok: python.cookie-without-secure, python.cookie-without-httponly
    return resp


@app.route("/w2/cookie/remember")
def cookie_remember():
    resp = make_response("ok")
    resp.set_cookie("remember_me", "1", max_age=3600, httponly=False, secure=True)  # expect: python.cookie-without-httponly
    return resp


@app.route("/w2/cookie/config")
def cookie_config():
    resp = make_response("ok")
    resp.set_cookie("auth", secrets.token_hex(8), secure=app.config["SESSION_COOKIE_SECURE"], httponly=True)  # ok: python.cookie-without-secure, python.cookie-without-httponly
    return resp


@app.route("/w2/tls/fetch")
def tls_fetch():
    r = requests.get("https://api.example.com/data", verify=False, timeout=5)  # expect: python.tls-verify-disabled
    return jsonify(r.json())


@app.route("/w2/tls/fetch-safe")
def tls_fetch_safe():
    r = requests.get("https://api.example.com/data", verify="/etc/ssl/certs/ca.pem", timeout=5)  # ok: python.tls-verify-disabled
    return jsonify(r.json())


@app.route("/w2/tls/post")
def tls_post():
    s = requests.Session()
    r = s.post("https://api.example.com/hook", json={"a": 1}, verify=False)  # expect: python.tls-verify-disabled
    return jsonify(status=r.status_code)


def pool_unverified():
    import urllib3
    return urllib3.PoolManager(cert_reqs="CERT_NONE")  # expect: python.tls-verify-disabled


def pool_verified():
    import urllib3
    return urllib3.PoolManager(cert_reqs="CERT_REQUIRED")  # ok: python.tls-verify-disabled


async def aio_fetch(url):
    import aiohttp
    async with aiohttp.ClientSession() as client:
        async with client.get(url, ssl=False) as resp:  # expect: python.tls-verify-disabled
            return await resp.text()


async def aio_fetch_safe(url):
    import aiohttp
    async with aiohttp.ClientSession() as client:
        async with client.get(url) as resp:  # ok: python.tls-verify-disabled
            return await resp.text()


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: python.debug-enabled
    app.run(debug=True, port=5001)  # expect: python.debug-enabled
