# ruff: noqa
# fmt: off
"""Wave 4, configuration rules: security values drawn from the distribution functions of
`random` (normalvariate, expovariate, ...) are as predictable as `random.random()`; `secrets`
and `random.SystemRandom` twins are not. `yaml.load` with an unsafe loader on a fixed document
is the API hazard (python.unsafe-yaml-load), not deserialization of untrusted data."""
import random
import secrets

import yaml
from flask import Flask, jsonify, session

app = Flask(__name__)


@app.route("/w4/remember")
def remember_me():
    token = str(random.normalvariate(0, 1))[2:]  # expect: python.weak-random
    session["remember"] = token
    return jsonify(ok=True)


@app.route("/w4/remember-safe")
def remember_me_safe():
    token = str(secrets.randbelow(2**32))  # ok: python.weak-random
    session["remember"] = token
    return jsonify(ok=True)


@app.route("/w4/reset-code")
def reset_code():
    code = int(random.expovariate(0.001))  # expect: python.weak-random
    return jsonify(code=code)


@app.route("/w4/reset-code-safe")
def reset_code_safe():
    code = random.SystemRandom().randint(100000, 999999)  # ok: python.weak-random
    return jsonify(code=code)


@app.route("/w4/defaults")
def defaults():
    mode = "strict" if len("abc") * 40 > 100 else "lenient"
    settings = yaml.load(f"mode: {mode}", Loader=yaml.Loader)  # expect: python.unsafe-yaml-load  # ok: python.insecure-deserialization
    return jsonify(settings=settings)


@app.route("/w4/defaults-safe")
def defaults_safe():
    settings = yaml.safe_load("mode: strict")  # ok: python.unsafe-yaml-load
    return jsonify(settings=settings)
