# ruff: noqa
# fmt: off
"""Checks and conversions written in the many ways people write them: `re.fullmatch(...) is
None`, assert, map(int, ...), in-memory files to send_file, `|safe` in template strings,
containers kept in the session, request wrappers, app.open_resource."""
import io
import re
import sqlite3
import subprocess

from flask import Flask, abort, jsonify, render_template_string, request, send_file, session

app = Flask(__name__)


def db():
    return sqlite3.connect("app.db")


class Params:
    """A thin wrapper others put around the request."""

    def __init__(self, req):
        self.req = req

    def text(self, name, default=""):
        return self.req.args.get(name, default)

    def number(self, name):
        return int(self.req.args.get(name, "0"))


@app.route("/w2c/regex-none")
def c_regex_none():
    host = request.args.get("host", "")
    if re.fullmatch(r"[a-z0-9.-]+", host) is None:
        abort(400)
    return jsonify(out=subprocess.getoutput("host " + host))  # ok: python.command-injection


@app.route("/w2c/regex-none-vuln")
def c_regex_none_vuln():
    host = request.args.get("host", "")
    if re.fullmatch(r"[a-z0-9.-]+", host) is not None:
        abort(400)
    return jsonify(out=subprocess.getoutput("host " + host))  # expect: python.command-injection


@app.route("/w2c/assert")
def c_assert():
    code = request.args.get("code", "")
    assert code.isalnum(), "bad code"
    return jsonify(db().execute(f"SELECT * FROM coupons WHERE code = '{code}'").fetchall())  # ok: python.sql-injection


@app.route("/w2c/map-int")
def c_map_int():
    ids = list(map(int, request.args.getlist("id")))
    sql = "SELECT * FROM items WHERE id IN (%s)" % ",".join(str(i) for i in ids)
    return jsonify(db().execute(sql).fetchall())  # ok: python.sql-injection


@app.route("/w2c/map-str")
def c_map_str():
    ids = list(map(str.strip, request.args.getlist("id")))
    sql = "SELECT * FROM items WHERE id IN (%s)" % ",".join(ids)
    return jsonify(db().execute(sql).fetchall())  # expect: python.sql-injection


@app.route("/w2c/export")
def c_export():
    rows = db().execute("SELECT name FROM items WHERE owner = ?", (request.args.get("owner", ""),)).fetchall()
    data = "\n".join(r[0] for r in rows).encode()
    name = request.args.get("filename", "export.txt")
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name)  # ok: python.path-traversal


@app.route("/w2c/export-vuln")
def c_export_vuln():
    name = request.args.get("filename", "export.txt")
    return send_file("/srv/exports/" + name, as_attachment=True)  # expect: python.path-traversal


@app.route("/w2c/safe-filter")
def c_safe_filter():
    bio = request.args.get("bio", "")
    return render_template_string("<div>{{ bio|safe }}</div>", bio=bio)  # expect: python.xss


@app.route("/w2c/safe-filter-ok")
def c_safe_filter_ok():
    bio = request.args.get("bio", "")
    return render_template_string("<div>{{ bio }}</div>", bio=bio)  # ok: python.xss


@app.route("/w2c/cart", methods=["POST"])
def c_cart():
    session.setdefault("cart", [])
    session["cart"].append(request.form["item"])  # expect: python.trust-boundary
    return "added"


@app.route("/w2c/cart-safe", methods=["POST"])
def c_cart_safe():
    session.setdefault("cart", [])
    session["cart"].append(request.form.get("qty", 1, type=int))  # ok: python.trust-boundary
    return "added"


@app.route("/w2c/wrapper")
def c_wrapper():
    params = Params(request)
    return jsonify(db().execute("SELECT * FROM t WHERE name = '" + params.text("name") + "'").fetchall())  # expect: python.sql-injection


@app.route("/w2c/wrapper-safe")
def c_wrapper_safe():
    params = Params(request)
    return jsonify(db().execute("SELECT * FROM t WHERE id = " + str(params.number("id"))).fetchall())  # ok: python.sql-injection


@app.route("/w2c/resource")
def c_resource():
    name = request.args.get("name", "")
    with app.open_resource("templates/" + name) as fh:  # expect: python.path-traversal
        return jsonify(text=fh.read().decode())


@app.route("/w2c/isdigit-ifexp")
def c_isdigit_ifexp():
    page = request.args.get("page", "1")
    page = page if page.isdigit() else "1"
    return jsonify(db().execute("SELECT * FROM t LIMIT 10 OFFSET " + page).fetchall())  # ok: python.sql-injection


@app.route("/w2c/module-request")
def c_module_request():
    import flask
    term = flask.request.args.get("term", "")
    return jsonify(db().execute("SELECT * FROM t WHERE name = '%s'" % term).fetchall())  # expect: python.sql-injection


@app.route("/w2c/module-request-safe")
def c_module_request_safe():
    import flask
    verb = flask.request.method
    return jsonify(db().execute("SELECT * FROM t WHERE verb = '%s'" % verb).fetchall())  # ok: python.sql-injection


@app.route("/w2c/text-plain")
def c_text_plain():
    note = request.args.get("note", "")
    return note, 200, {"Content-Type": "text/plain; charset=utf-8"}  # ok: python.xss


@app.route("/w2c/text-html")
def c_text_html():
    note = request.args.get("note", "")
    return note, 200, {"Content-Type": "text/html"}  # expect: python.xss
