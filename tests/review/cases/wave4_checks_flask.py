# ruff: noqa
# fmt: off
"""Wave 4, checks: `re.match` only anchors the start of the text, so a pattern without `$`
or `\\Z` at its end leaves the rest unconstrained (a check of how the text starts, not of
what it holds); the end-anchored and `fullmatch` twins validate the whole text. Likewise a
text that starts and ends with a quote is a plain string literal only when no quote sits
in between."""
import re
import sqlite3

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
TICKET = re.compile(r"[A-Z]{3}-\d+")
TICKET_ONLY = re.compile(r"[A-Z]{3}-\d+$")


@app.route("/w4/greet")
def greet():
    nick = request.args.get("nick", "")
    if not re.match(r"[a-z0-9]", nick):
        abort(400)
    return f"<p>Hello {nick}</p>"  # expect: python.xss


@app.route("/w4/greet-safe")
def greet_safe():
    nick = request.args.get("nick", "")
    if not re.fullmatch(r"[a-z0-9]{1,20}", nick):
        abort(400)
    return f"<p>Hello {nick}</p>"  # ok: python.xss


@app.route("/w4/tickets")
def tickets():
    ref = request.args.get("ref", "")
    if TICKET.match(ref) is None:
        abort(400)
    rows = sqlite3.connect("desk.db").execute(f"SELECT * FROM tickets WHERE ref = '{ref}'").fetchall()  # expect: python.sql-injection
    return jsonify(count=len(rows))


@app.route("/w4/tickets-safe")
def tickets_safe():
    ref = request.args.get("ref", "")
    if TICKET_ONLY.match(ref) is None:
        abort(400)
    rows = sqlite3.connect("desk.db").execute(f"SELECT * FROM tickets WHERE ref = '{ref}'").fetchall()  # ok: python.sql-injection
    return jsonify(count=len(rows))


@app.route("/w4/echo-literal", methods=["POST"])
def echo_literal():
    text = request.form.get("text", "")
    if not (text.startswith('"') and text.endswith('"')):
        abort(400)
    return jsonify(value=eval(text))  # expect: python.code-injection


@app.route("/w4/echo-literal-safe", methods=["POST"])
def echo_literal_safe():
    text = request.form.get("text", "")
    if text.startswith('"') and text.endswith('"') and '"' not in text[1:-1]:
        return jsonify(value=eval(text))  # ok: python.code-injection
    abort(400)
