# ruff: noqa
# fmt: off
"""Wave 3, helpers written the way small apps write them: generator helpers, static and class
methods of utility classes, objects carrying values in attributes, loops over dict items,
templates that autoescape, and the same helpers made safe."""
import collections
import dataclasses
import hashlib
import html
import os
import re
import sqlite3
import shlex
import subprocess
import threading
import xml.etree.ElementTree as ET

import jinja2
import ldap
from flask import Flask, jsonify, redirect, render_template_string, request
from markupsafe import Markup

app = Flask(__name__)
Row = collections.namedtuple("Row", "label user")
PLAIN_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"))
SAFE_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"), autoescape=jinja2.select_autoescape())
SAFE_NAME = re.compile(r"^[a-z0-9_]+$")


def words(text):
    for word in text.split(","):
        yield word.strip()


def constant_words(text):
    for _ in text.split(","):
        yield "word"


class Sanitizer:
    @staticmethod
    def clean(value):
        return html.escape(value)

    @staticmethod
    def passthrough(value):
        return value.strip()

    @classmethod
    def digits(cls, value):
        return "".join(ch for ch in value if ch.isdigit())


@dataclasses.dataclass
class Lookup:
    user: str
    table: str = "users"


class Payload:
    def __init__(self):
        self.value = ""
        self.label = "static"


@app.route("/w3h/generator")
def generator_sql():
    tags = request.args.get("tags", "")
    conn = sqlite3.connect("app.db")
    for tag in words(tags):
        conn.execute("INSERT INTO tags VALUES ('" + tag + "')")  # expect: python.sql-injection
    return "ok"


@app.route("/w3h/generator-safe")
def generator_sql_safe():
    tags = request.args.get("tags", "")
    conn = sqlite3.connect("app.db")
    for tag in constant_words(tags):
        conn.execute("INSERT INTO tags VALUES ('" + tag + "')")  # ok: python.sql-injection
    return "ok"


@app.route("/w3h/static")
def static_xss():
    name = request.args.get("name", "")
    return "<b>" + Sanitizer.passthrough(name) + "</b>"  # expect: python.xss


@app.route("/w3h/static-safe")
def static_xss_safe():
    name = request.args.get("name", "")
    return "<b>" + Sanitizer.clean(name) + "</b>"  # ok: python.xss


@app.route("/w3h/classmethod")
def classmethod_cmd():
    port = request.args.get("port", "")
    os.system("nc -z localhost " + Sanitizer.passthrough(port))  # expect: python.command-injection
    return "ok"


@app.route("/w3h/classmethod-safe")
def classmethod_cmd_safe():
    port = request.args.get("port", "")
    os.system("nc -z localhost " + Sanitizer.digits(port))  # ok: python.command-injection
    return "ok"


@app.route("/w3h/attr")
def attr_redirect():
    payload = Payload()
    payload.value = request.args.get("next", "")
    return redirect(payload.value)  # expect: python.open-redirect


@app.route("/w3h/attr-safe")
def attr_redirect_safe():
    payload = Payload()
    payload.value = request.args.get("next", "")
    payload.label = "/home"
    return redirect(payload.label)  # ok: python.open-redirect


@app.route("/w3h/items")
def items_ldap():
    fields = {"keyA": "static", "keyB": request.args.get("user", "")}
    bar = ""
    for key, value in fields.items():
        if key == "keyB":
            bar = value
    conn = ldap.initialize("ldap://localhost")
    found = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")  # expect: python.ldap-injection
    return jsonify(count=len(found))


@app.route("/w3h/items-safe")
def items_ldap_safe():
    user = request.args.get("user", "")
    if not SAFE_NAME.match(user):
        return "bad user", 400
    conn = ldap.initialize("ldap://localhost")
    found = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + user + ")")  # ok: python.ldap-injection
    return jsonify(count=len(found))


@app.route("/w3h/etree")
def etree_xpath():
    user = request.args.get("user", "")
    root = ET.parse("users.xml").getroot()
    found = root.findall(".//user[@name='" + user + "']")  # expect: python.xpath-injection
    return jsonify(count=len(found))


@app.route("/w3h/etree-safe")
def etree_xpath_safe():
    user = request.args.get("user", "")
    root = ET.parse("users.xml").getroot()
    found = [u for u in root.findall(".//user") if u.get("name") == user]  # ok: python.xpath-injection
    return jsonify(count=len(found))


@app.route("/w3h/template")
def template_ssti():
    name = request.args.get("name", "")
    return render_template_string("<p>Hello " + name + "</p>")  # expect: python.xss, python.code-injection


@app.route("/w3h/template-safe")
def template_ssti_safe():
    name = request.args.get("name", "")
    return render_template_string("<p>Hello {{ name }}</p>", name=name)  # ok: python.xss, python.code-injection


@app.route("/w3h/markup-format")
def markup_format():
    name = request.args.get("name", "")
    return Markup("<p>Hello {}</p>").format(name)  # ok: python.xss


@app.route("/w3h/sorted")
def sorted_cmd():
    hosts = request.args.getlist("host")
    for host in sorted(set(hosts)):
        subprocess.call("ping -c1 " + host, shell=True)  # expect: python.command-injection
    return "ok"


@app.route("/w3h/sorted-safe")
def sorted_cmd_safe():
    hosts = request.args.getlist("host")
    for host in sorted(set(hosts)):
        subprocess.call(["ping", "-c1", host])  # ok: python.command-injection
    return "ok"


@app.route("/w3h/namedtuple")
def namedtuple_cmd():
    row = Row("static", request.args.get("user", ""))
    os.system("id " + row.user)  # expect: python.command-injection
    return "ok"


@app.route("/w3h/namedtuple-safe")
def namedtuple_cmd_safe():
    row = Row("static", request.args.get("user", ""))
    os.system("id " + row.label)  # ok: python.command-injection
    return "ok"


@app.route("/w3h/dataclass")
def dataclass_sql():
    lookup = Lookup(user=request.args.get("user", ""))
    conn = sqlite3.connect("app.db")
    conn.execute(f"SELECT * FROM {lookup.table} WHERE name = '{lookup.user}'")  # expect: python.sql-injection
    return "ok"


@app.route("/w3h/dataclass-safe")
def dataclass_sql_safe():
    lookup = Lookup(user=request.args.get("user", ""))
    conn = sqlite3.connect("app.db")
    conn.execute(f"SELECT * FROM {lookup.table} WHERE name = ?", (lookup.user,))  # ok: python.sql-injection
    return "ok"


@app.route("/w3h/chainmap")
def chainmap_xss():
    settings = collections.ChainMap({"title": "Home"}, {"user": request.args.get("user", "")})
    return "<h1>" + settings["user"] + "</h1>"  # expect: python.xss


@app.route("/w3h/chainmap-safe")
def chainmap_xss_safe():
    settings = collections.ChainMap({"title": "Home"}, {"user": request.args.get("user", "")})
    return "<h1>" + settings["title"] + "</h1>"  # ok: python.xss


@app.route("/w3h/digest")
def digest_path():
    name = request.args.get("name", "")
    with open(os.path.join("/srv/cache", name), "rb") as fh:  # expect: python.path-traversal
        return jsonify(size=len(fh.read()))


@app.route("/w3h/digest-safe")
def digest_path_safe():
    name = request.args.get("name", "")
    key = hashlib.sha256(name.encode()).hexdigest()
    with open(os.path.join("/srv/cache", key), "rb") as fh:  # ok: python.path-traversal
        return jsonify(size=len(fh.read()))


@app.route("/w3h/jinja-env")
def jinja_env_xss():
    name = request.args.get("name", "")
    page = PLAIN_ENV.get_template("profile.html").render(name=name)
    return page  # expect: python.xss


@app.route("/w3h/jinja-env-safe")
def jinja_env_xss_safe():
    name = request.args.get("name", "")
    page = SAFE_ENV.get_template("profile.html").render(name=name)
    return page  # ok: python.xss


@app.route("/w3h/jinja-template")
def jinja_template_xss():
    name = request.args.get("name", "")
    return jinja2.Template("<p>Hello {{ name }}</p>").render(name=name)  # expect: python.xss


@app.route("/w3h/jinja-template-safe")
def jinja_template_xss_safe():
    name = request.args.get("name", "")
    return jinja2.Template("<p>Hello {{ name|e }}</p>").render(name=name)  # ok: python.xss


@app.route("/w3h/thread-lambda")
def thread_lambda():
    host = request.args.get("host", "")
    threading.Thread(target=lambda: os.system("ping -c1 " + host)).start()  # expect: python.command-injection
    return "started"


@app.route("/w3h/thread-lambda-safe")
def thread_lambda_safe():
    host = request.args.get("host", "")
    threading.Thread(target=lambda: os.system("ping -c1 " + shlex.quote(host))).start()  # ok: python.command-injection
    return "started"


@app.route("/w3h/thread-worker")
def thread_worker():
    report = request.args.get("report", "")

    def worker():
        with open("/srv/reports/" + report) as fh:  # expect: python.path-traversal
            fh.read()

    threading.Thread(target=worker, daemon=True).start()
    return "started"


@app.route("/w3h/thread-worker-safe")
def thread_worker_safe():
    report = request.args.get("report", "")

    def worker():
        with open("/srv/reports/" + os.path.basename(report)) as fh:  # ok: python.path-traversal
            fh.read()

    threading.Thread(target=worker, daemon=True).start()
    return "started"


@app.route("/w3h/setattr")
def setattr_redirect():
    payload = Payload()
    setattr(payload, "value", request.args.get("next", "/"))
    return redirect(getattr(payload, "value"))  # expect: python.open-redirect


@app.route("/w3h/setattr-safe")
def setattr_redirect_safe():
    payload = Payload()
    setattr(payload, "value", request.args.get("next", "/"))
    setattr(payload, "label", "/home")
    return redirect(getattr(payload, "label"))  # ok: python.open-redirect


@app.route("/w3h/apply")
def apply_cmd():
    host = request.args.get("host", "")

    def apply(transform, value):
        return transform(value)

    os.system("ping -c1 " + apply(lambda v: v.strip(), host))  # expect: python.command-injection
    return "ok"


@app.route("/w3h/apply-safe")
def apply_cmd_safe():
    host = request.args.get("host", "")

    def apply(transform, value):
        return transform(value)

    quote = lambda v: shlex.quote(v)
    os.system("ping -c1 " + apply(quote, host))  # ok: python.command-injection
    return "ok"


class Envelope:
    def __init__(self, recipient, subject="Report"):
        self.recipient = recipient
        self.subject = subject
        self.sender = "reports@example.com"


@app.route("/w3h/envelope")
def envelope_cmd():
    mail = Envelope(request.args.get("to", ""))
    os.system("mail -s Report " + mail.recipient)  # expect: python.command-injection
    return "sent"


@app.route("/w3h/envelope-safe")
def envelope_cmd_safe():
    mail = Envelope(request.args.get("to", ""))
    os.system("mail -s " + mail.subject + " " + mail.sender)  # ok: python.command-injection
    return "sent"


@app.route("/w3h/envelope-subject")
def envelope_subject():
    mail = Envelope("ops@example.com", request.args.get("subject", ""))
    mail.sender = "noreply@example.com"
    os.system("mail -s '" + mail.subject + "' " + mail.sender)  # expect: python.command-injection
    return "sent"


@app.route("/w3h/envelope-subject-safe")
def envelope_subject_safe():
    mail = Envelope("ops@example.com")
    mail.subject = request.args.get("subject", "")
    os.system("mail -s Report " + mail.sender)  # ok: python.command-injection
    return "sent"
