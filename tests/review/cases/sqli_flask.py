# ruff: noqa
# fmt: off
"""SQL injection (CWE-89): vulnerable handlers and their safe twins."""
import sqlite3

from flask import Flask, request

app = Flask(__name__)


def get_connection():
    return sqlite3.connect("app.db")


@app.route("/sqli/01", methods=["POST"])
def sqli_01():
    param = request.form.get("name", "")
    sql = f"SELECT * FROM users WHERE name = '{param}'"
    cur = get_connection().cursor()
    cur.execute(sql)  # expect: python.sql-injection
    return "done"


@app.route("/sqli/01-safe", methods=["POST"])
def sqli_01_safe():
    param = request.form.get("name", "")
    sql = "SELECT * FROM users WHERE name = ?"
    cur = get_connection().cursor()
    cur.execute(sql, (param,))  # ok: python.sql-injection
    return "done"


@app.route("/sqli/02")
def sqli_02():
    values = request.args.getlist("id")
    param = values[0] if values else ""
    bar = "safe!"
    lookup = {"keyA": "a-value", "keyB": param}
    bar = lookup["keyB"]
    con = get_connection()
    con.execute("SELECT * FROM users WHERE id = " + bar)  # expect: python.sql-injection
    return "done"


@app.route("/sqli/02-safe")
def sqli_02_safe():
    values = request.args.getlist("id")
    param = values[0] if values else ""
    lookup = {"keyA": "a-value", "keyB": param}
    bar = lookup["keyB"]
    bar = lookup["keyA"]
    con = get_connection()
    con.execute("SELECT * FROM users WHERE id = " + bar)  # ok: python.sql-injection
    return "done"


@app.route("/sqli/03")
def sqli_03():
    param = request.headers.get("X-User", "")
    num = 106
    bar = param if 7 * 18 + num > 200 else "constant"
    cur = get_connection().cursor()
    cur.execute("SELECT * FROM users WHERE name = '%s'" % bar)  # expect: python.sql-injection
    return "done"


@app.route("/sqli/03-safe")
def sqli_03_safe():
    param = request.headers.get("X-User", "")
    num = 106
    bar = "This_should_always_happen" if 7 * 18 + num > 200 else param
    cur = get_connection().cursor()
    cur.execute("SELECT * FROM users WHERE name = '%s'" % bar)  # ok: python.sql-injection
    return "done"


@app.route("/sqli/04")
def sqli_04():
    param = request.cookies.get("user", "")
    parts = []
    parts.append("safe")
    parts.append(param)
    parts.append("moresafe")
    parts.pop(0)
    bar = parts[0]
    cur = get_connection().cursor()
    cur.execute("SELECT * FROM users WHERE name = '{}'".format(bar))  # expect: python.sql-injection
    return "done"


@app.route("/sqli/04-safe")
def sqli_04_safe():
    param = request.cookies.get("user", "")
    parts = []
    parts.append("safe")
    parts.append(param)
    parts.append("moresafe")
    parts.pop(0)
    bar = parts[1]
    cur = get_connection().cursor()
    cur.execute("SELECT * FROM users WHERE name = '{}'".format(bar))  # ok: python.sql-injection
    return "done"


def build_query(name):
    return "SELECT * FROM users WHERE name = '" + name + "'"


@app.route("/sqli/05")
def sqli_05():
    param = request.args.get("name", "")
    cur = get_connection().cursor()
    cur.execute(build_query(param))  # expect: python.sql-injection
    return "done"


@app.route("/sqli/05-safe")
def sqli_05_safe():
    param = request.args.get("name", "")
    if not param.isalnum():
        return "invalid", 400
    cur = get_connection().cursor()
    cur.execute(build_query(param))  # ok: python.sql-injection
    return "done"


@app.route("/sqli/06/<user_id>")
def sqli_06(user_id):
    cur = get_connection().cursor()
    cur.execute(f"DELETE FROM users WHERE id = {user_id}")  # expect: python.sql-injection
    return "done"


@app.route("/sqli/06-safe/<user_id>")
def sqli_06_safe(user_id):
    cur = get_connection().cursor()
    cur.execute(f"DELETE FROM users WHERE id = {int(user_id)}")  # ok: python.sql-injection
    return "done"


@app.route("/sqli/07", methods=["POST"])
def sqli_07():
    data = request.get_json()
    name = data["name"].strip()
    cur = get_connection().cursor()
    cur.executemany("INSERT INTO t VALUES ('" + name + "')", [])  # expect: python.sql-injection
    return "done"


@app.route("/sqli/07-safe", methods=["POST"])
def sqli_07_safe():
    data = request.get_json()
    name = data["name"].strip()
    guess = "ABC"[1]
    if guess == "A":
        query = "INSERT INTO t VALUES ('" + name + "')"
    else:
        query = "INSERT INTO t VALUES ('fixed')"
    cur = get_connection().cursor()
    cur.executemany(query, [])  # ok: python.sql-injection
    return "done"
