# ruff: noqa
# fmt: off
"""Wave 3, more sources and sinks in benchmark style: to_dict(), view_args, environ, headers,
authorization, uploaded file bodies, pathlib joins, Response bodies, Location headers, SAX
features, YAML loaders, shelve, session updates; each vulnerable route has a safe twin."""
import hashlib
import os
import pathlib
import pickle
import random
import re
import secrets
import shelve
import shlex
import sqlite3
import ssl
import subprocess
import urllib.request
import xml.sax
from urllib.parse import urlparse

import defusedxml.ElementTree
import httpx
import yaml
from flask import Flask, Response, abort, jsonify, make_response, redirect, request, send_file, session, url_for
from markupsafe import Markup, escape
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = pathlib.Path("/srv/uploads")
REPORTS = "/srv/reports"
ALLOWED_HOSTS = {"example.com", "www.example.com"}
COLUMNS = {"name": "name", "date": "created_at"}


@app.route("/w3m/sql/todict")
def sql_todict():
    params = request.args.to_dict()
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    cur.execute("SELECT * FROM orders WHERE status = '%s'" % params.get("status", "new"))  # expect: python.sql-injection
    return jsonify(rows=len(cur.fetchall()))


@app.route("/w3m/sql/todict-safe")
def sql_todict_safe():
    params = request.args.to_dict()
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    cur.execute("SELECT * FROM orders WHERE status = ?", [params.get("status", "new")])  # ok: python.sql-injection
    return jsonify(rows=len(cur.fetchall()))


@app.route("/w3m/sql/order")
def sql_order():
    column = request.args.get("sort", "name")
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM items ORDER BY {}".format(column)).fetchall()  # expect: python.sql-injection
    return jsonify(rows=len(rows))


@app.route("/w3m/sql/order-safe")
def sql_order_safe():
    column = COLUMNS.get(request.args.get("sort", "name"), "name")
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM items ORDER BY {}".format(column)).fetchall()  # ok: python.sql-injection
    return jsonify(rows=len(rows))


@app.route("/w3m/sql/item/<item_id>")
def sql_view_args(item_id):
    conn = sqlite3.connect("app.db")
    row = conn.execute("SELECT * FROM items WHERE id = " + item_id).fetchone()  # expect: python.sql-injection
    return jsonify(found=row is not None)


@app.route("/w3m/sql/item-int/<int:item_id>")
def sql_view_args_safe(item_id):
    conn = sqlite3.connect("app.db")
    row = conn.execute("SELECT * FROM items WHERE id = " + str(item_id)).fetchone()  # ok: python.sql-injection
    return jsonify(found=row is not None)


@app.route("/w3m/cmd/agent")
def cmd_agent():
    agent = request.headers["User-Agent"]
    subprocess.check_output("logger " + agent, shell=True)  # expect: python.command-injection
    return "logged"


@app.route("/w3m/cmd/agent-safe")
def cmd_agent_safe():
    agent = request.headers["User-Agent"]
    subprocess.check_output("logger " + shlex.quote(agent), shell=True)  # ok: python.command-injection
    return "logged"


@app.route("/w3m/cmd/environ")
def cmd_environ():
    forwarded = request.environ.get("HTTP_X_FORWARDED_FOR", "")
    proc = subprocess.Popen(["/bin/sh", "-c", "host " + forwarded], stdout=subprocess.PIPE)  # expect: python.command-injection
    return jsonify(out=proc.communicate()[0].decode())


@app.route("/w3m/cmd/environ-safe")
def cmd_environ_safe():
    forwarded = request.environ.get("HTTP_X_FORWARDED_FOR", "")
    proc = subprocess.Popen(["host", forwarded], stdout=subprocess.PIPE)  # ok: python.command-injection
    return jsonify(out=proc.communicate()[0].decode())


@app.route("/w3m/code/calc", methods=["POST"])
def code_calc():
    expression = request.get_json()["expr"]
    code = compile(expression, "<calc>", "eval")  # expect: python.code-injection
    return jsonify(value=str(eval(code)))  # expect: python.code-injection


@app.route("/w3m/code/calc-safe", methods=["POST"])
def code_calc_safe():
    expression = request.get_json()["expr"]
    left, _, right = expression.partition("+")
    return jsonify(value=int(left) + int(right))


@app.route("/w3m/code/exec", methods=["POST"])
def code_exec():
    snippet = request.form.get("snippet", "")
    namespace = {}
    exec("result = " + snippet, namespace)  # expect: python.code-injection
    return jsonify(result=str(namespace.get("result")))


@app.route("/w3m/code/exec-safe", methods=["POST"])
def code_exec_safe():
    snippet = request.form.get("snippet", "")
    namespace = {}
    exec("result = " + repr(int(snippet)), namespace)  # ok: python.code-injection
    return jsonify(result=str(namespace.get("result")))


@app.route("/w3m/path/upload", methods=["POST"])
def path_upload():
    upload = request.files["document"]
    upload.save(os.path.join("/srv/uploads", upload.filename))  # expect: python.path-traversal
    return "saved"


@app.route("/w3m/path/upload-safe", methods=["POST"])
def path_upload_safe():
    upload = request.files["document"]
    upload.save(os.path.join("/srv/uploads", secure_filename(upload.filename)))  # ok: python.path-traversal
    return "saved"


@app.route("/w3m/path/pathlib")
def path_pathlib():
    name = request.args.get("name", "")
    return jsonify(text=(UPLOAD_DIR / name).read_text())  # expect: python.path-traversal


@app.route("/w3m/path/pathlib-safe")
def path_pathlib_safe():
    name = request.args.get("name", "")
    target = (UPLOAD_DIR / name).resolve()
    if not target.is_relative_to(UPLOAD_DIR):
        abort(403)
    return jsonify(text=target.read_text())  # ok: python.path-traversal


@app.route("/w3m/path/delete", methods=["POST"])
def path_delete():
    report = request.form["report"]
    os.remove(REPORTS + "/" + report)  # expect: python.path-traversal
    return "deleted"


@app.route("/w3m/path/delete-safe", methods=["POST"])
def path_delete_safe():
    report = request.form["report"]
    if report not in os.listdir(REPORTS):
        abort(404)
    os.remove(REPORTS + "/" + report)  # ok: python.path-traversal
    return "deleted"


@app.route("/w3m/xss/response")
def xss_response():
    name = request.args.get("name", "")
    return Response("<h1>Welcome " + name + "</h1>", mimetype="text/html")  # expect: python.xss


@app.route("/w3m/xss/response-safe")
def xss_response_safe():
    name = request.args.get("name", "")
    return Response("Welcome " + name, mimetype="text/plain")  # ok: python.xss


@app.route("/w3m/xss/markup")
def xss_markup():
    comment = request.form.get("comment", "")
    return Markup("<div class='comment'>%s</div>" % comment)  # expect: python.xss


@app.route("/w3m/xss/markup-safe")
def xss_markup_safe():
    comment = request.form.get("comment", "")
    return Markup("<div class='comment'>%s</div>") % comment  # ok: python.xss


@app.route("/w3m/xss/auth")
def xss_auth():
    user = request.authorization.username if request.authorization else "anonymous"
    resp = make_response("<p>Signed in as " + user + "</p>")
    return resp  # expect: python.xss


@app.route("/w3m/xss/auth-safe")
def xss_auth_safe():
    user = request.authorization.username if request.authorization else "anonymous"
    resp = make_response("<p>Signed in as " + str(escape(user)) + "</p>")
    return resp  # ok: python.xss


@app.route("/w3m/redirect/header")
def redirect_header():
    target = request.args.get("url", "/")
    return Response(status=302, headers={"Location": target})  # expect: python.open-redirect


@app.route("/w3m/redirect/header-safe")
def redirect_header_safe():
    target = request.args.get("url", "/")
    return Response(status=302, headers={"Location": url_for("index", next=target)})  # ok: python.open-redirect


@app.route("/w3m/redirect/location")
def redirect_location():
    target = request.args.get("url", "/")
    resp = make_response("", 302)
    resp.headers["Location"] = target  # expect: python.open-redirect
    return resp


@app.route("/w3m/redirect/location-safe")
def redirect_location_safe():
    target = request.args.get("url", "/")
    if urlparse(target).netloc not in ("", *ALLOWED_HOSTS):
        target = "/"
    resp = make_response("", 302)
    resp.headers["Location"] = target  # ok: python.open-redirect
    return resp


@app.route("/w3m/redirect/referrer")
def redirect_referrer():
    return redirect(request.referrer or url_for("index"))  # expect: python.open-redirect


@app.route("/w3m/redirect/referrer-safe")
def redirect_referrer_safe():
    return redirect(url_for("index", next=request.referrer))  # ok: python.open-redirect


@app.route("/w3m/xxe/sax", methods=["POST"])
def xxe_sax():
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    parser.parse(request.files["feed"])  # expect: python.xxe
    return "parsed"


@app.route("/w3m/xxe/sax-safe", methods=["POST"])
def xxe_sax_safe():
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.parse(request.files["feed"])  # ok: python.xxe
    return "parsed"


@app.route("/w3m/xxe/defused", methods=["POST"])
def xxe_defused():
    doc = defusedxml.ElementTree.fromstring(request.data)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3m/deser/yaml", methods=["POST"])
def deser_yaml():
    config = yaml.load(request.data, Loader=yaml.Loader)  # expect: python.insecure-deserialization
    return jsonify(keys=sorted(config))


@app.route("/w3m/deser/yaml-safe", methods=["POST"])
def deser_yaml_safe():
    config = yaml.load(request.data, Loader=yaml.SafeLoader)  # ok: python.insecure-deserialization
    return jsonify(keys=sorted(config))


@app.route("/w3m/deser/upload", methods=["POST"])
def deser_upload():
    state = pickle.loads(request.files["state"].read())  # expect: python.insecure-deserialization
    return jsonify(kind=type(state).__name__)


@app.route("/w3m/deser/cookie")
def deser_cookie():
    import base64
    blob = request.cookies.get("prefs", "")
    prefs = pickle.loads(base64.urlsafe_b64decode(blob))  # expect: python.insecure-deserialization
    return jsonify(theme=prefs.get("theme"))


@app.route("/w3m/deser/cookie-safe")
def deser_cookie_safe():
    import base64
    import json
    blob = request.cookies.get("prefs", "")
    prefs = json.loads(base64.urlsafe_b64decode(blob))  # ok: python.insecure-deserialization
    return jsonify(theme=prefs.get("theme"))


@app.route("/w3m/trust/update", methods=["POST"])
def trust_update():
    session.update(role=request.form.get("role", "user"))  # expect: python.trust-boundary
    return "ok"


@app.route("/w3m/trust/update-safe", methods=["POST"])
def trust_update_safe():
    role = request.form.get("role", "user")
    session.update(role="admin" if role == "admin" and session.get("is_admin") else "user")  # ok: python.trust-boundary
    return "ok"


@app.route("/w3m/trust/setdefault")
def trust_setdefault():
    session.setdefault("lang", request.headers.get("Accept-Language", "en"))  # expect: python.trust-boundary
    return "ok"


@app.route("/w3m/trust/count")
def trust_count():
    session["visits"] = int(request.args.get("visits", "0")) + 1  # ok: python.trust-boundary
    return "ok"


@app.route("/w3m/random/reset")
def random_reset():
    reset_token = "".join(random.choice("abcdef0123456789") for _ in range(32))  # expect: python.weak-random
    return jsonify(token=reset_token)


@app.route("/w3m/random/reset-safe")
def random_reset_safe():
    reset_token = "".join(secrets.choice("abcdef0123456789") for _ in range(32))  # ok: python.weak-random
    return jsonify(token=reset_token)


@app.route("/w3m/random/system")
def random_system():
    token = random.SystemRandom().getrandbits(64)  # ok: python.weak-random
    return jsonify(token=token)


@app.route("/w3m/hash/checksum", methods=["POST"])
def hash_checksum():
    digest = hashlib.md5(request.data, usedforsecurity=False).hexdigest()  # ok: python.weak-hash
    return jsonify(etag=digest)


@app.route("/w3m/hash/password", methods=["POST"])
def hash_password():
    digest = hashlib.new("md5", request.form["password"].encode()).hexdigest()  # expect: python.weak-hash
    return jsonify(digest=digest)


@app.route("/w3m/tls/httpx")
def tls_httpx():
    reply = httpx.get("https://api.example.com/v1/status", verify=False)  # expect: python.tls-verify-disabled
    return jsonify(code=reply.status_code)


@app.route("/w3m/tls/urllib")
def tls_urllib():
    context = ssl._create_unverified_context()  # expect: python.tls-verify-disabled
    with urllib.request.urlopen("https://api.example.com/v1/status", context=context) as reply:
        return jsonify(code=reply.status)


@app.route("/w3m/tls/urllib-safe")
def tls_urllib_safe():
    context = ssl.create_default_context()  # ok: python.tls-verify-disabled
    with urllib.request.urlopen("https://api.example.com/v1/status", context=context) as reply:
        return jsonify(code=reply.status)


@app.route("/w3m/cookie/pref")
def cookie_pref():
    resp = make_response("saved")
    resp.set_cookie("theme", "dark", httponly=True)  # expect: python.cookie-without-secure
    return resp


@app.route("/")
def index():
    return "home"


if __name__ == "__main__":
    app.config["DEBUG"] = True  # expect: python.debug-enabled
    app.run()


@app.route("/w3m/redirect/netloc")
def redirect_netloc():
    target = request.args.get("next", "/")
    if urlparse(target).netloc:
        target = "/"
    return redirect(target)  # ok: python.open-redirect


@app.route("/w3m/redirect/netloc-unchecked")
def redirect_netloc_unchecked():
    target = request.args.get("next", "/")
    if urlparse(target).path == "/logout":
        target = "/"
    return redirect(target)  # expect: python.open-redirect


@app.route("/w3m/cmd/vector")
def cmd_vector():
    names = request.args.getlist("name")
    subprocess.run(["ls", "-l", "--", *names], check=False)  # ok: python.command-injection
    return "listed"


@app.route("/w3m/cmd/vector-shell")
def cmd_vector_shell():
    names = request.args.getlist("name")
    subprocess.run(["sh", "-c", *names], check=False)  # expect: python.command-injection
    return "listed"


@app.route("/w3m/path/slashes")
def path_slashes():
    name = request.args.get("name", "")
    with open("/srv/reports/" + name.replace("/", "")) as fh:  # ok: python.path-traversal
        return jsonify(lines=len(fh.readlines()))


@app.route("/w3m/path/dots")
def path_dots():
    name = request.args.get("name", "")
    with open("/srv/reports/" + name.replace("../", "")) as fh:  # expect: python.path-traversal
        return jsonify(lines=len(fh.readlines()))


@app.route("/w3m/cmd/split")
def cmd_split():
    command = request.args.get("command", "")
    subprocess.run(shlex.split(command), check=False)  # expect: python.command-injection
    return "ran"


@app.route("/w3m/cmd/split-safe")
def cmd_split_safe():
    pattern = request.args.get("pattern", "")
    subprocess.run(shlex.split("grep -r -- " + pattern), check=False)  # ok: python.command-injection
    return "ran"


@app.route("/w3m/cmd/group")
def cmd_group():
    target = request.args.get("target", "")
    found = re.search(r"pid=(\S+)", target)
    if found:
        os.system("kill " + found.group(1))  # expect: python.command-injection
    return "ok"


@app.route("/w3m/cmd/group-safe")
def cmd_group_safe():
    target = request.args.get("target", "")
    found = re.search(r"pid=(\d+)", target)
    if found:
        os.system("kill " + found.group(1))  # ok: python.command-injection
    return "ok"


PID = re.compile(r"^(\d{1,7})$")


@app.route("/w3m/cmd/compiled-safe")
def cmd_compiled_safe():
    target = request.args.get("target", "")
    found = PID.match(target)
    if found is None:
        abort(400)
    os.system("kill " + found.group(1))  # ok: python.command-injection
    return "ok"


@app.route("/w3m/path/relative")
def path_relative():
    name = request.args.get("name", "")
    target = (UPLOAD_DIR / name).resolve()
    return send_file(target)  # expect: python.path-traversal


@app.route("/w3m/path/relative-safe")
def path_relative_safe():
    name = request.args.get("name", "")
    target = (UPLOAD_DIR / name).resolve()
    try:
        target.relative_to(UPLOAD_DIR)
    except ValueError:
        abort(403)
    return send_file(target)  # ok: python.path-traversal


@app.route("/w3m/path/relative-ignored")
def path_relative_ignored():
    name = request.args.get("name", "")
    target = (UPLOAD_DIR / name).resolve()
    try:
        target.relative_to(UPLOAD_DIR)
    except ValueError:
        app.logger.warning("outside the upload directory: %s", target)
    return send_file(target)  # expect: python.path-traversal
