# ruff: noqa
# fmt: off
"""A mixed bag of idioms from other people's Flask apps: SQLAlchemy sessions and pandas,
shells behind `sh -c`, safe_join, regex scrubbing, jinja2 templates, is_safe_url helpers,
module-level parsers, positional debug flags, `.debug`/`.verify` attributes."""
import hashlib
import marshal
import os
import pickle
import random
import re
import subprocess
import uuid
from hashlib import md5
from urllib.parse import urljoin, urlparse

import jinja2
import ldap
import pandas as pd
import requests
import yaml
from flask import Flask, Response, abort, jsonify, make_response, redirect, request, send_file, session
from flask_sqlalchemy import SQLAlchemy
from lxml import etree
from werkzeug.utils import safe_join

app = Flask(__name__)
db = SQLAlchemy(app)
UPLOADS = "/srv/uploads"
PARSER = etree.XMLParser(resolve_entities=True, load_dtd=True)
SAFE_PARSER = etree.XMLParser(resolve_entities=False)
COOKIE_OPTS = {"secure": True, "httponly": True, "samesite": "Strict"}


def is_safe_url(target):
    ref_url = urlparse(request.host_url)
    test_url = urlparse(urljoin(request.host_url, target))
    return test_url.scheme in ("http", "https") and ref_url.netloc == test_url.netloc


@app.route("/w2m/sql/session")
def m_sql_session():
    name = request.args.get("name", "")
    rows = db.session.execute(f"SELECT * FROM users WHERE name = '{name}'")  # expect: python.sql-injection
    return jsonify([dict(r) for r in rows])


@app.route("/w2m/sql/session-safe")
def m_sql_session_safe():
    name = request.args.get("name", "")
    rows = db.session.execute(db.text("SELECT * FROM users WHERE name = :n"), {"n": name})  # ok: python.sql-injection
    return jsonify([dict(r) for r in rows])


@app.route("/w2m/sql/pandas")
def m_sql_pandas():
    region = request.args.get("region", "")
    frame = pd.read_sql("SELECT * FROM sales WHERE region = '" + region + "'", db.engine)  # expect: python.sql-injection
    return frame.to_json()


@app.route("/w2m/sql/pandas-safe")
def m_sql_pandas_safe():
    region = request.args.get("region", "")
    frame = pd.read_sql("SELECT * FROM sales WHERE region = %(r)s", db.engine, params={"r": region})  # ok: python.sql-injection
    return frame.to_json()


@app.route("/w2m/sql/format-kwargs")
def m_sql_format_kwargs():
    query = "SELECT * FROM items WHERE color = '{color}' AND size = '{size}'".format(**request.args)
    return jsonify(db.session.execute(query).fetchall())  # expect: python.sql-injection


@app.route("/w2m/sql/regex")
def m_sql_regex():
    name = re.sub(r"[^a-zA-Z0-9_]", "", request.args.get("name", ""))
    return jsonify(db.session.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall())  # ok: python.sql-injection


@app.route("/w2m/sql/uuid")
def m_sql_uuid():
    ident = uuid.UUID(request.args.get("id", ""))
    return jsonify(db.session.execute(f"SELECT * FROM users WHERE id = '{ident}'").fetchall())  # ok: python.sql-injection


@app.route("/w2m/cmd/sh")
def m_cmd_sh():
    msg = request.args.get("msg", "")
    subprocess.run(["sh", "-c", f"echo {msg} >> /tmp/log"])  # expect: python.command-injection
    return "logged"


@app.route("/w2m/cmd/sh-safe")
def m_cmd_sh_safe():
    msg = request.args.get("msg", "")
    subprocess.run(["sh", "-c", 'echo "$1" >> /tmp/log', "sh", msg])  # ok: python.command-injection
    return "logged"


@app.route("/w2m/cmd/popen-read")
def m_cmd_popen_read():
    host = request.form.get("host", "")
    out = os.popen("dig +short " + host).read()  # expect: python.command-injection
    return jsonify(out=out)


@app.route("/w2m/cmd/popen-regex")
def m_cmd_popen_regex():
    host = re.sub(r"[^a-z0-9.-]", "", request.form.get("host", ""))
    out = os.popen("dig +short " + host).read()  # ok: python.command-injection
    return jsonify(out=out)


@app.route("/w2m/code/exec", methods=["POST"])
def m_code_exec():
    exec(request.form["code"], {"__builtins__": {}})  # expect: python.code-injection
    return "ran"


@app.route("/w2m/code/dispatch")
def m_code_dispatch():
    op = request.args.get("op", "add")
    handlers = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b}
    fn = handlers.get(op)
    if fn is None:
        abort(400)
    return jsonify(result=fn(1, 2))  # ok: python.code-injection


@app.route("/w2m/path/safe-join")
def m_path_safe_join():
    name = request.args.get("name", "")
    path = safe_join(UPLOADS, name)
    if path is None:
        abort(404)
    return send_file(path)  # ok: python.path-traversal


@app.route("/w2m/path/joinpath")
def m_path_joinpath():
    from pathlib import Path
    name = request.args.get("name", "")
    return send_file(Path(UPLOADS).joinpath(name))  # expect: python.path-traversal


@app.route("/w2m/path/abspath")
def m_path_abspath():
    name = request.args.get("name", "")
    full = os.path.abspath(os.path.join(UPLOADS, name))
    if not full.startswith(os.path.abspath(UPLOADS) + os.sep):
        abort(403)
    return send_file(full)  # ok: python.path-traversal


@app.route("/w2m/xss/percent")
def m_xss_percent():
    who = request.args.get("who", "")
    return "<p>Hello %s</p>" % who  # expect: python.xss


@app.route("/w2m/xss/link")
def m_xss_link():
    url = request.args.get("url", "")
    return f"<a href='{url}'>continue</a>"  # expect: python.xss


@app.route("/w2m/xss/jinja")
def m_xss_jinja():
    name = request.args.get("name", "")
    return jinja2.Template("<p>Hello " + name + "</p>").render()  # expect: python.xss, python.code-injection


@app.route("/w2m/xss/jinja-safe")
def m_xss_jinja_safe():
    name = request.args.get("name", "")
    env = jinja2.Environment(autoescape=True)
    return env.from_string("<p>Hello {{ name }}</p>").render(name=name)  # ok: python.xss


@app.route("/w2m/xss/json-body")
def m_xss_json_body():
    import json
    q = request.args.get("q", "")
    return Response(json.dumps({"q": q}), mimetype="application/json")  # ok: python.xss


@app.route("/w2m/xss/regex")
def m_xss_regex():
    color = re.sub(r"[^a-f0-9]", "", request.args.get("color", ""))
    return f"<div style='color:#{color}'>x</div>"  # ok: python.xss


@app.route("/w2m/redirect/is-safe")
def m_redirect_is_safe():
    target = request.args.get("next", "")
    if not is_safe_url(target):
        abort(400)
    return redirect(target)  # ok: python.open-redirect


@app.route("/w2m/redirect/is-safe-vuln")
def m_redirect_is_safe_vuln():
    target = request.args.get("next", "")
    return redirect(target or "/")  # expect: python.open-redirect


@app.route("/w2m/ldap/login", methods=["POST"])
def m_ldap_login():
    user, password = request.form["user"], request.form["password"]
    conn = ldap.initialize("ldap://localhost")
    found = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(&(uid=%s)(userPassword=%s))" % (user, password))  # expect: python.ldap-injection
    return jsonify(ok=bool(found))


@app.route("/w2m/xpath/login", methods=["POST"])
def m_xpath_login():
    user, password = request.form["user"], request.form["password"]
    root = etree.parse("users.xml")
    found = root.xpath("//user[name/text()='" + user + "' and password/text()='" + password + "']")  # expect: python.xpath-injection
    return jsonify(ok=bool(found))


@app.route("/w2m/xpath/login-safe", methods=["POST"])
def m_xpath_login_safe():
    user, password = request.form["user"], request.form["password"]
    root = etree.parse("users.xml")
    found = root.xpath("//user[name/text()=$u and password/text()=$p]", u=user, p=password)  # ok: python.xpath-injection
    return jsonify(ok=bool(found))


@app.route("/w2m/xxe/global", methods=["POST"])
def m_xxe_global():
    doc = etree.fromstring(request.get_data(), PARSER)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w2m/xxe/global-safe", methods=["POST"])
def m_xxe_global_safe():
    doc = etree.fromstring(request.get_data(), SAFE_PARSER)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w2m/deser/unsafe-load", methods=["POST"])
def m_deser_unsafe_load():
    return jsonify(yaml.unsafe_load(request.data))  # expect: python.insecure-deserialization


@app.route("/w2m/deser/marshal", methods=["POST"])
def m_deser_marshal():
    return jsonify(repr(marshal.loads(request.get_data())))  # expect: python.insecure-deserialization


@app.route("/w2m/deser/pickle-local")
def m_deser_pickle_local():
    with open("/srv/cache/model.pkl", "rb") as fh:
        model = pickle.load(fh)  # ok: python.insecure-deserialization
    return jsonify(kind=type(model).__name__)


@app.route("/w2m/trust/json", methods=["POST"])
def m_trust_json():
    data = request.get_json(silent=True) or {}
    session["profile"] = data.get("profile")  # expect: python.trust-boundary
    return "ok"


@app.route("/w2m/trust/regex", methods=["POST"])
def m_trust_regex():
    nick = re.sub(r"[^A-Za-z0-9]", "", request.form.get("nick", ""))
    session["nick"] = nick  # ok: python.trust-boundary
    return "ok"


@app.route("/w2m/hash/md5-import", methods=["POST"])
def m_hash_md5_import():
    return jsonify(h=md5(request.form["password"].encode()).hexdigest())  # expect: python.weak-hash


@app.route("/w2m/hash/upper", methods=["POST"])
def m_hash_upper():
    return jsonify(h=hashlib.new("MD5", request.data).hexdigest())  # expect: python.weak-hash


@app.route("/w2m/rand/bits")
def m_rand_bits():
    return jsonify(api_key="%032x" % random.getrandbits(128))  # expect: python.weak-random


@app.route("/w2m/rand/uuid")
def m_rand_uuid():
    return jsonify(api_key=uuid.uuid4().hex)  # ok: python.weak-random


@app.route("/w2m/cookie/opts")
def m_cookie_opts():
    resp = make_response("ok")
    resp.set_cookie("sid", uuid.uuid4().hex, **COOKIE_OPTS)  # ok: python.cookie-without-secure, python.cookie-without-httponly
    return resp


@app.route("/w2m/cookie/keywords")
def m_cookie_keywords():
    resp = make_response("ok")
    resp.set_cookie(key="sid", value=uuid.uuid4().hex, secure=False, httponly=True)  # expect: python.cookie-without-secure
    return resp


def fetch(url):
    s = requests.Session()
    s.verify = False  # expect: python.tls-verify-disabled
    return s.get(url).text


def fetch_safe(url):
    s = requests.Session()
    s.verify = "/etc/ssl/certs/ca-bundle.crt"  # ok: python.tls-verify-disabled
    return s.get(url).text


def configure(application):
    application.debug = True  # expect: python.debug-enabled


if __name__ == "__main__":
    app.run("0.0.0.0", 5000, True)  # expect: python.debug-enabled
