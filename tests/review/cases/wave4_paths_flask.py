# ruff: noqa
# fmt: off
"""Wave 4: file-system probes through pathlib (`exists()`, `is_file()`, `stat()`) on paths
joined from request data, and the request's own path in views whose URL rules are constant
(the path then names the rule, nothing the client chose) against views whose rules hold
variables; each vulnerable route has a safe twin."""
import os
import pathlib
import sqlite3

from flask import Flask, abort, jsonify, request
from markupsafe import escape

app = Flask(__name__)
ARCHIVE = pathlib.Path("/srv/archive")
WEEKLY = "/w4/reports/weekly"


@app.route("/w4/archive/probe", methods=["POST"])
def archive_probe():
    wanted = request.form.get("item", "")
    candidate = ARCHIVE / wanted
    if candidate.exists():  # expect: python.path-traversal
        return jsonify(found=True)
    return jsonify(found=False)


@app.route("/w4/archive/probe-safe", methods=["POST"])
def archive_probe_safe():
    wanted = request.form.get("item", "")
    candidate = (ARCHIVE / wanted).resolve()
    if not str(candidate).startswith(str(ARCHIVE)):
        abort(400)
    if candidate.exists():  # ok: python.path-traversal
        return jsonify(found=True)
    return jsonify(found=False)


@app.route("/w4/archive/kind")
def archive_kind():
    label = request.headers.get("X-Item", "")
    target = ARCHIVE.joinpath("incoming", label)
    return jsonify(regular=target.is_file())  # expect: python.path-traversal


@app.route("/w4/archive/kind-safe")
def archive_kind_safe():
    label = os.path.basename(request.headers.get("X-Item", ""))
    target = ARCHIVE.joinpath("incoming", label)
    return jsonify(regular=target.is_file())  # ok: python.path-traversal


@app.route("/w4/archive/size")
def archive_size():
    name = request.args.get("name", "")
    size = (ARCHIVE / "exports" / name).stat().st_size  # expect: python.path-traversal
    return jsonify(size=size)


@app.route("/w4/archive/size-safe")
def archive_size_safe():
    name = request.args.get("name", "")
    mode = "fixed" if len("exports") * 3 > 100 else "named"
    chosen = name if mode == "fixed" else "summary.csv"
    size = (ARCHIVE / "exports" / chosen).stat().st_size  # ok: python.path-traversal
    return jsonify(size=size)


@app.route("/w4/archive/age")
def archive_age():
    name = request.args.get("name", "")
    return jsonify(modified=os.path.getmtime(os.path.join("/srv/archive", name)))  # expect: python.path-traversal


@app.route("/w4/archive/age-safe")
def archive_age_safe():
    name = os.path.basename(request.args.get("name", ""))
    return jsonify(modified=os.path.getmtime(os.path.join("/srv/archive", name)))  # ok: python.path-traversal


@app.route("/w4/reports/monthly")
def monthly_report():
    section = request.path.split("/")[2]
    conn = sqlite3.connect("reports.db")
    rows = conn.execute(f"SELECT * FROM reports WHERE section = '{section}'").fetchall()  # ok: python.sql-injection
    return jsonify(rows=len(rows))


@app.route(WEEKLY)
def weekly_report():
    section = request.path.rsplit("/", 1)[-1]
    conn = sqlite3.connect("reports.db")
    rows = conn.execute("SELECT * FROM reports WHERE period = '%s'" % section).fetchall()  # ok: python.sql-injection
    return jsonify(rows=len(rows))


@app.route("/w4/reports/<kind>/monthly")
def kind_report(kind):
    section = request.path.split("/")[3]
    conn = sqlite3.connect("reports.db")
    rows = conn.execute(f"SELECT * FROM reports WHERE section = '{section}'").fetchall()  # expect: python.sql-injection
    return jsonify(rows=len(rows), kind=kind)


@app.route("/w4/where-am-i")
def where_am_i():
    return f"<p>You are at {request.path}</p>"  # ok: python.xss


@app.route("/w4/where-am-i/full")
def where_am_i_full():
    return f"<p>You asked for {request.full_path}</p>"  # expect: python.xss


@app.route("/w4/where-am-i/full-safe")
def where_am_i_full_safe():
    return f"<p>You asked for {escape(request.full_path)}</p>"  # ok: python.xss
