# ruff: noqa
# fmt: off
"""Safe twins as careful people write them (ORM lookups before a session write, validation by
exception, psycopg2.sql identifiers, Path(...).name) next to their vulnerable versions, and
configuration set through app.config and ssl contexts."""
import ipaddress
import os
import ssl
import subprocess
import urllib.request
from pathlib import Path

import psycopg2
from psycopg2 import sql
from flask import Flask, abort, jsonify, request, send_file, session
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash

app = Flask(__name__)
app.config["SESSION_COOKIE_SECURE"] = False  # expect: python.cookie-without-secure
app.config.update(SESSION_COOKIE_HTTPONLY=False)  # expect: python.cookie-without-httponly
app.config["DEBUG"] = True  # expect: python.debug-enabled
db = SQLAlchemy(app)
REPORTS = "/srv/reports"


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80))
    password_hash = db.Column(db.String(200))


@app.route("/w2a/login", methods=["POST"])
def a_login():
    user = User.query.filter_by(username=request.form["username"]).first()
    if user is None or not check_password_hash(user.password_hash, request.form["password"]):
        abort(401)
    session["user_id"] = user.id  # ok: python.trust-boundary
    return "welcome"


@app.route("/w2a/login-vuln", methods=["POST"])
def a_login_vuln():
    session["user_id"] = request.form["user_id"]  # expect: python.trust-boundary
    return "welcome"


@app.route("/w2a/profile/<int:user_id>")
def a_profile(user_id):
    user = db.session.get(User, user_id) or abort(404)
    session["viewed"] = user.username  # ok: python.trust-boundary
    return jsonify(name=user.username)


@app.route("/w2a/ping")
def a_ping():
    host = request.args.get("host", "")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        abort(400)
    return jsonify(out=subprocess.getoutput("ping -c 1 " + host))  # ok: python.command-injection


@app.route("/w2a/ping-vuln")
def a_ping_vuln():
    host = request.args.get("host", "")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    return jsonify(out=subprocess.getoutput("ping -c 1 " + host))  # expect: python.command-injection


@app.route("/w2a/ping-obj")
def a_ping_obj():
    ip = ipaddress.ip_address(request.args.get("host", ""))
    return jsonify(out=subprocess.getoutput(f"ping -c 1 {ip}"))  # ok: python.command-injection


@app.route("/w2a/table")
def a_table():
    table = request.args.get("table", "")
    conn = psycopg2.connect("dbname=app")
    cur = conn.cursor()
    cur.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))  # ok: python.sql-injection
    return jsonify(cur.fetchall())


@app.route("/w2a/table-vuln")
def a_table_vuln():
    table = request.args.get("table", "")
    conn = psycopg2.connect("dbname=app")
    cur = conn.cursor()
    cur.execute(sql.SQL("SELECT * FROM " + table))  # expect: python.sql-injection
    return jsonify(cur.fetchall())


@app.route("/w2a/report")
def a_report():
    name = Path(request.args.get("name", "")).name
    return send_file(os.path.join(REPORTS, name))  # ok: python.path-traversal


@app.route("/w2a/report-vuln")
def a_report_vuln():
    name = Path(request.args.get("name", "")).stem
    return send_file(os.path.join(REPORTS, request.args.get("dir", ""), name + ".pdf"))  # expect: python.path-traversal


@app.route("/w2a/orm-filter")
def a_orm_filter():
    name = request.args.get("name", "")
    users = User.query.filter(db.text(f"username = '{name}'")).all()  # expect: python.sql-injection
    return jsonify([u.id for u in users])


@app.route("/w2a/orm-filter-safe")
def a_orm_filter_safe():
    name = request.args.get("name", "")
    users = User.query.filter(User.username == name).all()  # ok: python.sql-injection
    return jsonify([u.id for u in users])


def fetch_unverified(url):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # expect: python.tls-verify-disabled
    return urllib.request.urlopen(url, context=ctx).read()


def fetch_verified(url):
    ctx = ssl.create_default_context()
    ctx.verify_mode = ssl.CERT_REQUIRED  # ok: python.tls-verify-disabled
    return urllib.request.urlopen(url, context=ctx).read()
