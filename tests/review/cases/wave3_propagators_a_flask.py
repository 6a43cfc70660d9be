# ruff: noqa
# fmt: off
"""Benchmark-style twins (wave 3): one source, one propagator, one sink per route; the safe twin differs in one thing (the branch folded, the key read, a sanitizer, a parameterized call)."""
import ast
import base64
import codecs
import collections
import configparser
import functools
import io
import json
import os
import pickle
import queue
import sqlite3
import string
import subprocess
import urllib.parse

import ldap3
import lxml.etree
from flask import Flask, jsonify, redirect, request, session, url_for
from ldap3.utils.conv import escape_filter_chars
from markupsafe import escape

app = Flask(__name__)
BASE_DIR = "/srv/app/files"
KNOWN_USERS = ("alice", "bob")


class ValueHolder:
    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value

    def default(self):
        return "fixed"


def do_something(value):
    return value.replace("\t", " ")


def do_nothing(value):
    return "static text"


@app.route("/w3/sql-concat", methods=["GET", "POST"])
def sql_concat():
    param = request.args.get("q", "")
    bar = "" + param + ""
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # expect: python.sql-injection
    return "done"


@app.route("/w3/sql-concat-safe", methods=["GET", "POST"])
def sql_concat_safe():
    param = request.args.get("q", "")
    bar = "" + param + ""
    bar = "fixed-value"
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # ok: python.sql-injection
    return "done"


@app.route("/w3/cmd-list", methods=["GET", "POST"])
def cmd_list():
    param = request.form["q"]
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    os.system("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/w3/cmd-list-safe", methods=["GET", "POST"])
def cmd_list_safe():
    param = request.form["q"]
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    os.system("echo " + bar)  # ok: python.command-injection
    return "done"


@app.route("/w3/cmd-list-sanitized", methods=["GET", "POST"])
def cmd_list_sanitized():
    param = request.form["q"]
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    subprocess.run(["echo", bar], check=False)  # ok: python.command-injection
    return "done"


@app.route("/w3/code-dict", methods=["GET", "POST"])
def code_dict():
    param = request.cookies.get("q", "")
    mapping = {"keyA": "a-Value", "keyB": param}
    bar = mapping["keyB"]
    result = eval(bar)  # expect: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/code-dict-safe", methods=["GET", "POST"])
def code_dict_safe():
    param = request.cookies.get("q", "")
    mapping = {"keyA": "a-Value", "keyB": param}
    bar = mapping["keyA"]
    result = eval(bar)  # ok: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/path-deque", methods=["GET", "POST"])
def path_deque():
    param = request.headers.get("X-Query", "")
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.pop()
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # expect: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-deque-safe", methods=["GET", "POST"])
def path_deque_safe():
    param = request.headers.get("X-Query", "")
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.popleft()
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-deque-sanitized", methods=["GET", "POST"])
def path_deque_sanitized():
    param = request.headers.get("X-Query", "")
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.pop()
    with open(os.path.join(BASE_DIR, os.path.basename(bar)), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/sql-queue", methods=["GET", "POST"])
def sql_queue():
    param = request.values.get("q", "")
    fifo = queue.Queue()
    fifo.put(param)
    fifo.put("safe")
    bar = fifo.get()
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # expect: python.sql-injection
    return "done"


@app.route("/w3/sql-queue-safe", methods=["GET", "POST"])
def sql_queue_safe():
    param = request.values.get("q", "")
    fifo = queue.Queue()
    fifo.put("safe")
    fifo.put(param)
    bar = fifo.get()
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # ok: python.sql-injection
    return "done"


@app.route("/w3/cmd-configparser", methods=["GET", "POST"])
def cmd_configparser():
    param = (request.get_json(silent=True) or {}).get("q", "")
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyB")
    os.system("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/w3/cmd-configparser-safe", methods=["GET", "POST"])
def cmd_configparser_safe():
    param = (request.get_json(silent=True) or {}).get("q", "")
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyA")
    os.system("echo " + bar)  # ok: python.command-injection
    return "done"


@app.route("/w3/cmd-configparser-sanitized", methods=["GET", "POST"])
def cmd_configparser_sanitized():
    param = (request.get_json(silent=True) or {}).get("q", "")
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyB")
    subprocess.run(["echo", bar], check=False)  # ok: python.command-injection
    return "done"


@app.route("/w3/code-base64", methods=["GET", "POST"])
def code_base64():
    param = request.args.getlist("q")[0]
    bar = base64.b64decode(base64.b64encode(param.encode("utf-8"))).decode("utf-8")
    result = eval(bar)  # expect: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/code-base64-sanitized", methods=["GET", "POST"])
def code_base64_sanitized():
    param = request.args.getlist("q")[0]
    bar = base64.b64decode(base64.b64encode(param.encode("utf-8"))).decode("utf-8")
    result = ast.literal_eval(bar)  # ok: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/path-unquote", methods=["GET", "POST"])
def path_unquote():
    param = request.get_data(as_text=True)
    bar = urllib.parse.unquote_plus(param)
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # expect: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-unquote-sanitized", methods=["GET", "POST"])
def path_unquote_sanitized():
    param = request.get_data(as_text=True)
    bar = urllib.parse.unquote_plus(param)
    with open(os.path.join(BASE_DIR, os.path.basename(bar)), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/sql-codecs", methods=["GET", "POST"])
def sql_codecs():
    param = request.form.get("q", "")
    bar = codecs.decode(codecs.encode(param, "rot_13"), "rot_13")
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # expect: python.sql-injection
    return "done"


@app.route("/w3/sql-codecs-sanitized", methods=["GET", "POST"])
def sql_codecs_sanitized():
    param = request.form.get("q", "")
    bar = codecs.decode(codecs.encode(param, "rot_13"), "rot_13")
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = ?", (bar,))  # ok: python.sql-injection
    return "done"


@app.route("/w3/cmd-reversed", methods=["GET", "POST"])
def cmd_reversed():
    param = next(iter(request.args.values()), "")
    backwards = "".join(reversed(param))
    bar = backwards[::-1]
    os.system("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/w3/cmd-reversed-sanitized", methods=["GET", "POST"])
def cmd_reversed_sanitized():
    param = next(iter(request.args.values()), "")
    backwards = "".join(reversed(param))
    bar = backwards[::-1]
    subprocess.run(["echo", bar], check=False)  # ok: python.command-injection
    return "done"


@app.route("/w3/code-slice", methods=["GET", "POST"])
def code_slice():
    param = request.files["upload"].filename
    bar = param[:256]
    result = eval(bar)  # expect: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/code-slice-sanitized", methods=["GET", "POST"])
def code_slice_sanitized():
    param = request.files["upload"].filename
    bar = param[:256]
    result = ast.literal_eval(bar)  # ok: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/path-split", methods=["GET", "POST"])
def path_split():
    param = request.query_string.decode()
    bar = param.split()[0] if param.split() else ""
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # expect: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-split-sanitized", methods=["GET", "POST"])
def path_split_sanitized():
    param = request.query_string.decode()
    bar = param.split()[0] if param.split() else ""
    with open(os.path.join(BASE_DIR, os.path.basename(bar)), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/sql-format_map", methods=["GET", "POST"])
def sql_format_map():
    param = request.args.get("q", "")
    bar = "{value}".format_map({"value": param, "other": "x"})
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # expect: python.sql-injection
    return "done"


@app.route("/w3/sql-format_map-safe", methods=["GET", "POST"])
def sql_format_map_safe():
    param = request.args.get("q", "")
    bar = "{other}".format_map({"value": param, "other": "x"})
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # ok: python.sql-injection
    return "done"


@app.route("/w3/cmd-template", methods=["GET", "POST"])
def cmd_template():
    param = request.form["q"]
    bar = string.Template("$value").substitute(value=param)
    os.system("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/w3/cmd-template-safe", methods=["GET", "POST"])
def cmd_template_safe():
    param = request.form["q"]
    bar = string.Template("$value").substitute(value="static", other=param)
    os.system("echo " + bar)  # ok: python.command-injection
    return "done"


@app.route("/w3/cmd-template-sanitized", methods=["GET", "POST"])
def cmd_template_sanitized():
    param = request.form["q"]
    bar = string.Template("$value").substitute(value=param)
    subprocess.run(["echo", bar], check=False)  # ok: python.command-injection
    return "done"


@app.route("/w3/code-percent_dict", methods=["GET", "POST"])
def code_percent_dict():
    param = request.cookies.get("q", "")
    bar = "%(value)s" % {"value": param, "other": "x"}
    result = eval(bar)  # expect: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/code-percent_dict-safe", methods=["GET", "POST"])
def code_percent_dict_safe():
    param = request.cookies.get("q", "")
    bar = "%(other)s" % {"value": param, "other": "x"}
    result = eval(bar)  # ok: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/path-for_chars", methods=["GET", "POST"])
def path_for_chars():
    param = request.headers.get("X-Query", "")
    bar = ""
    for ch in param:
        bar += ch
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # expect: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-for_chars-safe", methods=["GET", "POST"])
def path_for_chars_safe():
    param = request.headers.get("X-Query", "")
    bar = ""
    for ch in param:
        if ch.isalnum():
            bar += ch
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-for_chars-sanitized", methods=["GET", "POST"])
def path_for_chars_sanitized():
    param = request.headers.get("X-Query", "")
    bar = ""
    for ch in param:
        bar += ch
    with open(os.path.join(BASE_DIR, os.path.basename(bar)), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/sql-while", methods=["GET", "POST"])
def sql_while():
    param = request.values.get("q", "")
    bar = ""
    i = 0
    while i < len(param):
        bar = bar + param[i]
        i += 1
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # expect: python.sql-injection
    return "done"


@app.route("/w3/sql-while-safe", methods=["GET", "POST"])
def sql_while_safe():
    param = request.values.get("q", "")
    bar = ""
    i = 0
    while i < len(param):
        ch = param[i]
        if ch.isdigit():
            bar = bar + ch
        i += 1
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # ok: python.sql-injection
    return "done"


@app.route("/w3/cmd-try_else", methods=["GET", "POST"])
def cmd_try_else():
    param = (request.get_json(silent=True) or {}).get("q", "")
    try:
        bar = param.encode("utf-8").decode("ascii")
    except UnicodeError:
        bar = ""
    else:
        bar = bar.strip()
    os.system("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/w3/cmd-try_else-safe", methods=["GET", "POST"])
def cmd_try_else_safe():
    param = (request.get_json(silent=True) or {}).get("q", "")
    try:
        bar = str(int(param))
    except ValueError:
        bar = "0"
    else:
        bar = bar.strip()
    os.system("echo " + bar)  # ok: python.command-injection
    return "done"


@app.route("/w3/cmd-try_else-sanitized", methods=["GET", "POST"])
def cmd_try_else_sanitized():
    param = (request.get_json(silent=True) or {}).get("q", "")
    try:
        bar = param.encode("utf-8").decode("ascii")
    except UnicodeError:
        bar = ""
    else:
        bar = bar.strip()
    subprocess.run(["echo", bar], check=False)  # ok: python.command-injection
    return "done"


@app.route("/w3/code-finally", methods=["GET", "POST"])
def code_finally():
    param = request.args.getlist("q")[0]
    bar = "default"
    try:
        bar = param
    finally:
        audit = "done"
    result = eval(bar)  # expect: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/code-finally-safe", methods=["GET", "POST"])
def code_finally_safe():
    param = request.args.getlist("q")[0]
    bar = "default"
    try:
        bar = param
    finally:
        bar = "default"
    result = eval(bar)  # ok: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/path-with_buffer", methods=["GET", "POST"])
def path_with_buffer():
    param = request.get_data(as_text=True)
    with io.StringIO() as out:
        out.write(param)
        bar = out.getvalue()
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # expect: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-with_buffer-safe", methods=["GET", "POST"])
def path_with_buffer_safe():
    param = request.get_data(as_text=True)
    with io.StringIO() as out:
        out.write("static")
        bar = out.getvalue()
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-with_buffer-sanitized", methods=["GET", "POST"])
def path_with_buffer_sanitized():
    param = request.get_data(as_text=True)
    with io.StringIO() as out:
        out.write(param)
        bar = out.getvalue()
    with open(os.path.join(BASE_DIR, os.path.basename(bar)), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/sql-walrus", methods=["GET", "POST"])
def sql_walrus():
    param = request.form.get("q", "")
    if (bar := param.strip()) == "":
        bar = "none"
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # expect: python.sql-injection
    return "done"


@app.route("/w3/sql-walrus-safe", methods=["GET", "POST"])
def sql_walrus_safe():
    param = request.form.get("q", "")
    if (number := int(param or 0)) < 0:
        number = 0
    bar = str(number)
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # ok: python.sql-injection
    return "done"


@app.route("/w3/cmd-lambda", methods=["GET", "POST"])
def cmd_lambda():
    param = next(iter(request.args.values()), "")
    tidy = lambda s: s.strip().lower()
    bar = tidy(param)
    os.system("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/w3/cmd-lambda-safe", methods=["GET", "POST"])
def cmd_lambda_safe():
    param = next(iter(request.args.values()), "")
    tidy = lambda s: s if s.isalnum() else "invalid"
    bar = tidy(param)
    os.system("echo " + bar)  # ok: python.command-injection
    return "done"


@app.route("/w3/cmd-lambda-sanitized", methods=["GET", "POST"])
def cmd_lambda_sanitized():
    param = next(iter(request.args.values()), "")
    tidy = lambda s: s.strip().lower()
    bar = tidy(param)
    subprocess.run(["echo", bar], check=False)  # ok: python.command-injection
    return "done"


@app.route("/w3/code-partial", methods=["GET", "POST"])
def code_partial():
    param = request.files["upload"].filename
    fmt = functools.partial("{}{}".format, "")
    bar = fmt(param)
    result = eval(bar)  # expect: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/code-partial-safe", methods=["GET", "POST"])
def code_partial_safe():
    param = request.files["upload"].filename
    to_int = functools.partial(int, base=10)
    bar = str(to_int(param))
    result = eval(bar)  # ok: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/path-map", methods=["GET", "POST"])
def path_map():
    param = request.query_string.decode()
    bar = ",".join(map(str.strip, param.split(",")))
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # expect: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-map-safe", methods=["GET", "POST"])
def path_map_safe():
    param = request.query_string.decode()
    bar = ",".join(map(str, map(int, param.split(","))))
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-map-sanitized", methods=["GET", "POST"])
def path_map_sanitized():
    param = request.query_string.decode()
    bar = ",".join(map(str.strip, param.split(",")))
    with open(os.path.join(BASE_DIR, os.path.basename(bar)), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/sql-filter", methods=["GET", "POST"])
def sql_filter():
    param = request.args.get("q", "")
    bar = "".join(filter(lambda c: c != " ", param))
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # expect: python.sql-injection
    return "done"


@app.route("/w3/sql-filter-safe", methods=["GET", "POST"])
def sql_filter_safe():
    param = request.args.get("q", "")
    bar = "".join(filter(str.isalnum, param))
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # ok: python.sql-injection
    return "done"


@app.route("/w3/cmd-listcomp", methods=["GET", "POST"])
def cmd_listcomp():
    param = request.form["q"]
    bar = "".join([c for c in param if c not in " \t"])
    os.system("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/w3/cmd-listcomp-safe", methods=["GET", "POST"])
def cmd_listcomp_safe():
    param = request.form["q"]
    bar = "".join([c for c in param if c.isalnum()])
    os.system("echo " + bar)  # ok: python.command-injection
    return "done"


@app.route("/w3/cmd-listcomp-sanitized", methods=["GET", "POST"])
def cmd_listcomp_sanitized():
    param = request.form["q"]
    bar = "".join([c for c in param if c not in " \t"])
    subprocess.run(["echo", bar], check=False)  # ok: python.command-injection
    return "done"


@app.route("/w3/code-ternary", methods=["GET", "POST"])
def code_ternary():
    param = request.cookies.get("q", "")
    num = 106
    bar = param if (7 * 18) + num > 200 else "This should never happen"
    result = eval(bar)  # expect: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/code-ternary-safe", methods=["GET", "POST"])
def code_ternary_safe():
    param = request.cookies.get("q", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    result = eval(bar)  # ok: python.code-injection
    return jsonify(result=repr(result))


@app.route("/w3/path-match", methods=["GET", "POST"])
def path_match():
    param = request.headers.get("X-Query", "")
    switch_target = "B"
    match switch_target:
        case "A":
            bar = "bobs_your_uncle"
        case "B":
            bar = param
        case _:
            bar = "bobs_your_uncle"
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # expect: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-match-safe", methods=["GET", "POST"])
def path_match_safe():
    param = request.headers.get("X-Query", "")
    switch_target = "C"
    match switch_target:
        case "A":
            bar = param
        case "C":
            bar = "bobs_your_uncle"
        case _:
            bar = param
    with open(os.path.join(BASE_DIR, bar), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/path-match-sanitized", methods=["GET", "POST"])
def path_match_sanitized():
    param = request.headers.get("X-Query", "")
    switch_target = "B"
    match switch_target:
        case "A":
            bar = "bobs_your_uncle"
        case "B":
            bar = param
        case _:
            bar = "bobs_your_uncle"
    with open(os.path.join(BASE_DIR, os.path.basename(bar)), "rb") as fh:  # ok: python.path-traversal
        size = len(fh.read())
    return jsonify(size=size)


@app.route("/w3/sql-holder", methods=["GET", "POST"])
def sql_holder():
    param = request.values.get("q", "")
    holder = ValueHolder(param)
    bar = holder.get()
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # expect: python.sql-injection
    return "done"


@app.route("/w3/sql-holder-safe", methods=["GET", "POST"])
def sql_holder_safe():
    param = request.values.get("q", "")
    holder = ValueHolder(param)
    bar = holder.default()
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = '" + bar + "'")  # ok: python.sql-injection
    return "done"


@app.route("/w3/cmd-helper", methods=["GET", "POST"])
def cmd_helper():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = do_something(param)
    os.system("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/w3/cmd-helper-safe", methods=["GET", "POST"])
def cmd_helper_safe():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = do_nothing(param)
    os.system("echo " + bar)  # ok: python.command-injection
    return "done"


@app.route("/w3/cmd-helper-sanitized", methods=["GET", "POST"])
def cmd_helper_sanitized():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = do_something(param)
    subprocess.run(["echo", bar], check=False)  # ok: python.command-injection
    return "done"
