# ruff: noqa
# fmt: off
"""Code injection (95), open redirect (601), LDAP (90), XPath (643): vulnerable and safe twins."""
import ast
from urllib.parse import urlparse

import ldap
from ldap3.utils.conv import escape_filter_chars
from lxml import etree
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
ALLOWED_HOSTS = {"example.com"}


@app.route("/code/01", methods=["POST"])
def code_01():
    param = request.form.get("expr", "")
    result = eval(param)  # expect: python.code-injection
    return "done"


@app.route("/code/01-safe", methods=["POST"])
def code_01_safe():
    param = request.form.get("expr", "")
    result = ast.literal_eval(param)  # ok: python.code-injection
    return "done"


@app.route("/code/02")
def code_02():
    param = request.args.get("name", "")
    exec("value = '" + param + "'")  # expect: python.code-injection
    return "done"


@app.route("/code/02-safe")
def code_02_safe():
    param = request.args.get("name", "")
    bar = "x"
    guess = "ABC"[1]
    match guess:
        case "A":
            bar = param
        case "B":
            bar = "bob"
        case _:
            bar = param
    exec("value = '" + bar + "'")  # ok: python.code-injection
    return "done"


@app.route("/redirect/01")
def redirect_01():
    target = request.args.get("next", "/")
    return redirect(target)  # expect: python.open-redirect


@app.route("/redirect/01-safe")
def redirect_01_safe():
    target = request.args.get("next", "/")
    if urlparse(target).netloc not in ("", *ALLOWED_HOSTS):
        return redirect(url_for("index"))
    return redirect(target)  # ok: python.open-redirect


@app.route("/redirect/02")
def redirect_02():
    target = request.cookies.get("return_to", "")
    return redirect("https://" + target)  # expect: python.open-redirect


@app.route("/redirect/02-safe")
def redirect_02_safe():
    page = request.cookies.get("return_to", "")
    return redirect(url_for("show", page=page))  # ok: python.open-redirect


@app.route("/ldap/01")
def ldap_01():
    user = request.args.get("user", "")
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={user})")  # expect: python.ldap-injection
    return "done"


@app.route("/ldap/01-safe")
def ldap_01_safe():
    user = request.args.get("user", "")
    conn = ldap.initialize("ldap://localhost")
    safe = escape_filter_chars(user)
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={safe})")  # ok: python.ldap-injection
    return "done"


@app.route("/ldap/02", methods=["POST"])
def ldap_02():
    user = request.form.get("user", "")
    conn = ldap.initialize("ldap://localhost")
    filt = "(&(objectClass=person)(cn=" + user + "))"
    conn.search("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, filt)  # expect: python.ldap-injection
    return "done"


@app.route("/ldap/02-safe", methods=["POST"])
def ldap_02_safe():
    user = request.form.get("user", "")
    if not user.isalnum():
        return "bad", 400
    conn = ldap.initialize("ldap://localhost")
    filt = "(&(objectClass=person)(cn=" + user + "))"
    conn.search("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, filt)  # ok: python.ldap-injection
    return "done"


@app.route("/xpath/01")
def xpath_01():
    name = request.args.get("name", "")
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + name + "']/email/text()")  # expect: python.xpath-injection
    return str(len(nodes))


@app.route("/xpath/01-safe")
def xpath_01_safe():
    name = request.args.get("name", "")
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name=$name]/email/text()", name=name)  # ok: python.xpath-injection
    return str(len(nodes))


@app.route("/xpath/02")
def xpath_02():
    name = request.headers.get("X-User", "")
    root = etree.parse("users.xml")
    query = f"/users/user[login='{name}']"
    found = root.findall(query)  # expect: python.xpath-injection
    return str(len(found))


@app.route("/xpath/02-safe")
def xpath_02_safe():
    name = request.headers.get("X-User", "")
    root = etree.parse("users.xml")
    if name not in {"alice", "bob"}:
        return "unknown"
    found = root.findall(f"/users/user[login='{name}']")  # ok: python.xpath-injection
    return str(len(found))


@app.route("/redirect/03")
def redirect_03():
    target = request.values.get("to", "/")
    if target.startswith("http"):
        return redirect(target)  # expect: python.open-redirect
    return "no"


@app.route("/redirect/03-safe")
def redirect_03_safe():
    target = request.values.get("to", "/")
    if not target.startswith("/") or target.startswith("//"):
        return redirect(url_for("index"))
    return redirect(target)  # ok: python.open-redirect
