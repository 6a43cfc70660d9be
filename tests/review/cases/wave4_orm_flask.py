# ruff: noqa
# fmt: off
"""Wave 4: `exists()` on objects that are not paths (an ORM query) in a module that does not
import pathlib is no file-system probe; `os.path.exists` on request data still is."""
import os

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class Coupon(db.Model):
    code = db.Column(db.String(32), primary_key=True)


@app.route("/w4/coupons/check")
def coupon_check():
    code = request.args.get("code", "")
    taken = Coupon.query.filter_by(code=code).exists()  # ok: python.path-traversal
    return jsonify(taken=bool(taken))


@app.route("/w4/coupons/file")
def coupon_file():
    code = request.args.get("code", "")
    return jsonify(cached=os.path.exists("/var/cache/coupons/" + code))  # expect: python.path-traversal
