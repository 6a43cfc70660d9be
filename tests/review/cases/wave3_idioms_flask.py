# ruff: noqa
# fmt: off
"""Wave 3: request data kept on flask.g by a before_request hook, closures over a view's
variables, WTForms validators (Regexp, AnyOf, typed fields), defaultdict containers and
configuration rules written the way small benchmark apps write them."""
import collections
import hashlib
import os
import random
import secrets
import shlex
import sqlite3

import requests
from flask import Flask, g, jsonify, make_response, redirect, request, session
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

app = Flask(__name__)


@app.before_request
def load_request_values():
    g.search = request.args.get("search", "")
    g.page = request.args.get("page", 1, type=int)
    g.lang = "en"
    g.theme = request.cookies.get("theme", "light")
    if g.theme not in ("light", "dark"):
        g.theme = "light"


@app.route("/w3/g/search")
def g_search():
    conn = sqlite3.connect("app.db")
    rows = conn.execute(f"SELECT * FROM items WHERE name = '{g.search}'").fetchall()  # expect: python.sql-injection
    return jsonify(count=len(rows))


@app.route("/w3/g/search-safe")
def g_search_safe():
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM items WHERE name = ?", (g.search,)).fetchall()  # ok: python.sql-injection
    return jsonify(count=len(rows))


@app.route("/w3/g/page")
def g_page():
    conn = sqlite3.connect("app.db")
    rows = conn.execute(f"SELECT * FROM items LIMIT 10 OFFSET {g.page * 10}").fetchall()  # ok: python.sql-injection
    return jsonify(count=len(rows))


@app.route("/w3/g/echo")
def g_echo():
    return "<h1>Results for " + g.search + "</h1>"  # expect: python.xss


@app.route("/w3/g/lang")
def g_lang():
    return f"<html lang='{g.lang}'><body class='{g.theme}'>hi</body></html>"  # ok: python.xss


@app.route("/w3/closure/ping")
def closure_ping():
    host = request.args.get("host", "")

    def build_command():
        return "ping -c 1 " + host

    os.system(build_command())  # expect: python.command-injection
    return "done"


@app.route("/w3/closure/ping-safe")
def closure_ping_safe():
    host = request.args.get("host", "")

    def build_command():
        return "ping -c 1 " + shlex.quote(host)

    os.system(build_command())  # ok: python.command-injection
    return "done"


@app.route("/w3/closure/lookup", methods=["POST"])
def closure_lookup():
    name = request.form["name"]

    def lookup(conn):
        return conn.execute("SELECT * FROM users WHERE name = '%s'" % name).fetchall()  # expect: python.sql-injection

    return jsonify(count=len(lookup(sqlite3.connect("app.db"))))


@app.route("/w3/closure/lookup-safe", methods=["POST"])
def closure_lookup_safe():
    name = request.form["name"]

    def lookup(conn):
        return conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchall()  # ok: python.sql-injection

    return jsonify(count=len(lookup(sqlite3.connect("app.db"))))


@app.route("/w3/closure/greet")
def closure_greet():
    who = request.args.get("who", "")

    def render(prefix):
        return prefix + who

    return "<p>" + render("Hello ") + "</p>"  # expect: python.xss


@app.route("/w3/closure/greet-safe")
def closure_greet_safe():
    who = request.args.get("who", "")

    def render(prefix):
        return prefix + str(escape(who))

    return "<p>" + render("Hello ") + "</p>"  # ok: python.xss


class ProfileForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_]{3,20}$")])
    color = StringField("color", validators=[AnyOf(["red", "green", "blue"])])
    bio = StringField("bio", validators=[Length(max=200)])
    age = IntegerField("age")
    plan = SelectField("plan", choices=[("free", "Free"), ("pro", "Pro")])


@app.route("/w3/wtf/user", methods=["POST"])
def wtf_user():
    form = ProfileForm()
    if form.validate_on_submit():
        conn = sqlite3.connect("app.db")
        conn.execute(f"SELECT * FROM users WHERE username = '{form.username.data}'")  # ok: python.sql-injection
        conn.execute(f"UPDATE users SET bio = '{form.bio.data}'")  # expect: python.sql-injection
    return "saved"


@app.route("/w3/wtf/user-unchecked", methods=["POST"])
def wtf_user_unchecked():
    form = ProfileForm()
    conn = sqlite3.connect("app.db")
    conn.execute(f"SELECT * FROM users WHERE username = '{form.username.data}'")  # expect: python.sql-injection
    conn.execute(f"SELECT * FROM users WHERE age = {form.age.data}")  # ok: python.sql-injection
    return "saved"


@app.route("/w3/wtf/color", methods=["POST"])
def wtf_color():
    form = ProfileForm()
    if not form.validate():
        return "invalid", 400
    html = f"<p style='color:{form.color.data}'>{form.plan.data}</p>"
    return html  # ok: python.xss


@app.route("/w3/wtf/bio", methods=["POST"])
def wtf_bio():
    form = ProfileForm()
    if not form.validate():
        return "invalid", 400
    return f"<p>{form.bio.data}</p>"  # expect: python.xss


@app.route("/w3/defaultdict")
def defaultdict_cmd():
    param = request.args.get("q", "")
    opts = collections.defaultdict(str)
    opts["safe"] = "uptime"
    opts["user"] = param
    os.system(opts["user"])  # expect: python.command-injection
    return "done"


@app.route("/w3/defaultdict-safe")
def defaultdict_cmd_safe():
    param = request.args.get("q", "")
    opts = collections.defaultdict(str)
    opts["safe"] = "uptime"
    opts["user"] = param
    os.system(opts["safe"])  # ok: python.command-injection
    return "done"


@app.route("/w3/next")
def next_redirect():
    target = request.args.get("next") or request.referrer or "/"
    return redirect(target)  # expect: python.open-redirect


@app.route("/w3/next-safe")
def next_redirect_safe():
    target = request.args.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(target)  # ok: python.open-redirect


@app.route("/w3/otp")
def otp_weak():
    code = str(random.randint(100000, 999999))  # expect: python.weak-random
    session["otp"] = code  # ok: python.trust-boundary
    return "sent"


@app.route("/w3/otp-safe")
def otp_safe():
    code = str(secrets.randbelow(900000) + 100000)  # ok: python.weak-random
    session["otp"] = code
    return "sent"


@app.route("/w3/hash", methods=["POST"])
def hash_password():
    password = request.form["password"]
    digest = hashlib.sha1(password.encode()).hexdigest()  # expect: python.weak-hash
    return jsonify(digest=digest)


@app.route("/w3/hash-safe", methods=["POST"])
def hash_password_safe():
    password = request.form["password"]
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100_000).hex()  # ok: python.weak-hash
    return jsonify(digest=digest)


@app.route("/w3/cookie")
def cookie_plain():
    resp = make_response("ok")
    resp.set_cookie("remember", secrets.token_hex(16))  # expect: python.cookie-without-secure, python.cookie-without-httponly
    return resp


@app.route("/w3/cookie-safe")
def cookie_flags():
    resp = make_response("ok")
    resp.set_cookie("remember", secrets.token_hex(16), secure=True, httponly=True, samesite="Lax")  # ok: python.cookie-without-secure, python.cookie-without-httponly
    return resp


@app.route("/w3/fetch")
def fetch_status():
    reply = requests.get("https://status.example.com/health", verify=False, timeout=5)  # expect: python.tls-verify-disabled
    return jsonify(status=reply.status_code)


@app.route("/w3/fetch-safe")
def fetch_status_safe():
    reply = requests.get("https://status.example.com/health", verify=True, timeout=5)  # ok: python.tls-verify-disabled
    return jsonify(status=reply.status_code)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: python.debug-enabled
