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


@app.route("/w3/xss-concat", methods=["GET", "POST"])
def xss_concat():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = "" + param + ""
    return "<p>Hello " + bar + "</p>"  # expect: python.xss


@app.route("/w3/xss-concat-safe", methods=["GET", "POST"])
def xss_concat_safe():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = "" + param + ""
    bar = "fixed-value"
    return "<p>Hello " + bar + "</p>"  # ok: python.xss


@app.route("/w3/redirect-list", methods=["GET", "POST"])
def redirect_list():
    param = request.args.getlist("q")[0]
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    return redirect(bar)  # expect: python.open-redirect


@app.route("/w3/redirect-list-safe", methods=["GET", "POST"])
def redirect_list_safe():
    param = request.args.getlist("q")[0]
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    return redirect(bar)  # ok: python.open-redirect


@app.route("/w3/redirect-list-sanitized", methods=["GET", "POST"])
def redirect_list_sanitized():
    param = request.args.getlist("q")[0]
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    return redirect(url_for("index", q=bar))  # ok: python.open-redirect


@app.route("/w3/trust-dict", methods=["GET", "POST"])
def trust_dict():
    param = request.get_data(as_text=True)
    mapping = {"keyA": "a-Value", "keyB": param}
    bar = mapping["keyB"]
    session["userid"] = bar  # expect: python.trust-boundary
    return "stored"


@app.route("/w3/trust-dict-safe", methods=["GET", "POST"])
def trust_dict_safe():
    param = request.get_data(as_text=True)
    mapping = {"keyA": "a-Value", "keyB": param}
    bar = mapping["keyA"]
    session["userid"] = bar  # ok: python.trust-boundary
    return "stored"


@app.route("/w3/deser-deque", methods=["GET", "POST"])
def deser_deque():
    param = request.form.get("q", "")
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.pop()
    obj = pickle.loads(base64.b64decode(bar))  # expect: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-deque-safe", methods=["GET", "POST"])
def deser_deque_safe():
    param = request.form.get("q", "")
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.popleft()
    obj = pickle.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-deque-sanitized", methods=["GET", "POST"])
def deser_deque_sanitized():
    param = request.form.get("q", "")
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.pop()
    obj = json.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/xss-queue", methods=["GET", "POST"])
def xss_queue():
    param = next(iter(request.args.values()), "")
    fifo = queue.Queue()
    fifo.put(param)
    fifo.put("safe")
    bar = fifo.get()
    return "<p>Hello " + bar + "</p>"  # expect: python.xss


@app.route("/w3/xss-queue-safe", methods=["GET", "POST"])
def xss_queue_safe():
    param = next(iter(request.args.values()), "")
    fifo = queue.Queue()
    fifo.put("safe")
    fifo.put(param)
    bar = fifo.get()
    return "<p>Hello " + bar + "</p>"  # ok: python.xss


@app.route("/w3/redirect-configparser", methods=["GET", "POST"])
def redirect_configparser():
    param = request.files["upload"].filename
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyB")
    return redirect(bar)  # expect: python.open-redirect


@app.route("/w3/redirect-configparser-safe", methods=["GET", "POST"])
def redirect_configparser_safe():
    param = request.files["upload"].filename
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyA")
    return redirect(bar)  # ok: python.open-redirect


@app.route("/w3/redirect-configparser-sanitized", methods=["GET", "POST"])
def redirect_configparser_sanitized():
    param = request.files["upload"].filename
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyB")
    return redirect(url_for("index", q=bar))  # ok: python.open-redirect


@app.route("/w3/trust-base64", methods=["GET", "POST"])
def trust_base64():
    param = request.query_string.decode()
    bar = base64.b64decode(base64.b64encode(param.encode("utf-8"))).decode("utf-8")
    session["userid"] = bar  # expect: python.trust-boundary
    return "stored"


@app.route("/w3/trust-base64-sanitized", methods=["GET", "POST"])
def trust_base64_sanitized():
    param = request.query_string.decode()
    bar = base64.b64decode(base64.b64encode(param.encode("utf-8"))).decode("utf-8")
    session["userid"] = bar if bar in KNOWN_USERS else "guest"  # ok: python.trust-boundary
    return "stored"


@app.route("/w3/deser-unquote", methods=["GET", "POST"])
def deser_unquote():
    param = request.args.get("q", "")
    bar = urllib.parse.unquote_plus(param)
    obj = pickle.loads(base64.b64decode(bar))  # expect: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-unquote-sanitized", methods=["GET", "POST"])
def deser_unquote_sanitized():
    param = request.args.get("q", "")
    bar = urllib.parse.unquote_plus(param)
    obj = json.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/xss-codecs", methods=["GET", "POST"])
def xss_codecs():
    param = request.form["q"]
    bar = codecs.decode(codecs.encode(param, "rot_13"), "rot_13")
    return "<p>Hello " + bar + "</p>"  # expect: python.xss


@app.route("/w3/xss-codecs-sanitized", methods=["GET", "POST"])
def xss_codecs_sanitized():
    param = request.form["q"]
    bar = codecs.decode(codecs.encode(param, "rot_13"), "rot_13")
    return "<p>Hello " + escape(bar) + "</p>"  # ok: python.xss


@app.route("/w3/redirect-reversed", methods=["GET", "POST"])
def redirect_reversed():
    param = request.cookies.get("q", "")
    backwards = "".join(reversed(param))
    bar = backwards[::-1]
    return redirect(bar)  # expect: python.open-redirect


@app.route("/w3/redirect-reversed-sanitized", methods=["GET", "POST"])
def redirect_reversed_sanitized():
    param = request.cookies.get("q", "")
    backwards = "".join(reversed(param))
    bar = backwards[::-1]
    return redirect(url_for("index", q=bar))  # ok: python.open-redirect


@app.route("/w3/trust-slice", methods=["GET", "POST"])
def trust_slice():
    param = request.headers.get("X-Query", "")
    bar = param[:256]
    session["userid"] = bar  # expect: python.trust-boundary
    return "stored"


@app.route("/w3/trust-slice-sanitized", methods=["GET", "POST"])
def trust_slice_sanitized():
    param = request.headers.get("X-Query", "")
    bar = param[:256]
    session["userid"] = bar if bar in KNOWN_USERS else "guest"  # ok: python.trust-boundary
    return "stored"


@app.route("/w3/deser-split", methods=["GET", "POST"])
def deser_split():
    param = request.values.get("q", "")
    bar = param.split()[0] if param.split() else ""
    obj = pickle.loads(base64.b64decode(bar))  # expect: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-split-sanitized", methods=["GET", "POST"])
def deser_split_sanitized():
    param = request.values.get("q", "")
    bar = param.split()[0] if param.split() else ""
    obj = json.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/xss-format_map", methods=["GET", "POST"])
def xss_format_map():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = "{value}".format_map({"value": param, "other": "x"})
    return "<p>Hello " + bar + "</p>"  # expect: python.xss


@app.route("/w3/xss-format_map-safe", methods=["GET", "POST"])
def xss_format_map_safe():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = "{other}".format_map({"value": param, "other": "x"})
    return "<p>Hello " + bar + "</p>"  # ok: python.xss


@app.route("/w3/redirect-template", methods=["GET", "POST"])
def redirect_template():
    param = request.args.getlist("q")[0]
    bar = string.Template("$value").substitute(value=param)
    return redirect(bar)  # expect: python.open-redirect


@app.route("/w3/redirect-template-safe", methods=["GET", "POST"])
def redirect_template_safe():
    param = request.args.getlist("q")[0]
    bar = string.Template("$value").substitute(value="static", other=param)
    return redirect(bar)  # ok: python.open-redirect


@app.route("/w3/redirect-template-sanitized", methods=["GET", "POST"])
def redirect_template_sanitized():
    param = request.args.getlist("q")[0]
    bar = string.Template("$value").substitute(value=param)
    return redirect(url_for("index", q=bar))  # ok: python.open-redirect


@app.route("/w3/trust-percent_dict", methods=["GET", "POST"])
def trust_percent_dict():
    param = request.get_data(as_text=True)
    bar = "%(value)s" % {"value": param, "other": "x"}
    session["userid"] = bar  # expect: python.trust-boundary
    return "stored"


@app.route("/w3/trust-percent_dict-safe", methods=["GET", "POST"])
def trust_percent_dict_safe():
    param = request.get_data(as_text=True)
    bar = "%(other)s" % {"value": param, "other": "x"}
    session["userid"] = bar  # ok: python.trust-boundary
    return "stored"


@app.route("/w3/deser-for_chars", methods=["GET", "POST"])
def deser_for_chars():
    param = request.form.get("q", "")
    bar = ""
    for ch in param:
        bar += ch
    obj = pickle.loads(base64.b64decode(bar))  # expect: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-for_chars-safe", methods=["GET", "POST"])
def deser_for_chars_safe():
    param = request.form.get("q", "")
    bar = ""
    for ch in param:
        if ch.isalnum():
            bar += ch
    obj = pickle.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-for_chars-sanitized", methods=["GET", "POST"])
def deser_for_chars_sanitized():
    param = request.form.get("q", "")
    bar = ""
    for ch in param:
        bar += ch
    obj = json.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/xss-while", methods=["GET", "POST"])
def xss_while():
    param = next(iter(request.args.values()), "")
    bar = ""
    i = 0
    while i < len(param):
        bar = bar + param[i]
        i += 1
    return "<p>Hello " + bar + "</p>"  # expect: python.xss


@app.route("/w3/xss-while-safe", methods=["GET", "POST"])
def xss_while_safe():
    param = next(iter(request.args.values()), "")
    bar = ""
    i = 0
    while i < len(param):
        ch = param[i]
        if ch.isdigit():
            bar = bar + ch
        i += 1
    return "<p>Hello " + bar + "</p>"  # ok: python.xss


@app.route("/w3/redirect-try_else", methods=["GET", "POST"])
def redirect_try_else():
    param = request.files["upload"].filename
    try:
        bar = param.encode("utf-8").decode("ascii")
    except UnicodeError:
        bar = ""
    else:
        bar = bar.strip()
    return redirect(bar)  # expect: python.open-redirect


@app.route("/w3/redirect-try_else-safe", methods=["GET", "POST"])
def redirect_try_else_safe():
    param = request.files["upload"].filename
    try:
        bar = str(int(param))
    except ValueError:
        bar = "0"
    else:
        bar = bar.strip()
    return redirect(bar)  # ok: python.open-redirect


@app.route("/w3/redirect-try_else-sanitized", methods=["GET", "POST"])
def redirect_try_else_sanitized():
    param = request.files["upload"].filename
    try:
        bar = param.encode("utf-8").decode("ascii")
    except UnicodeError:
        bar = ""
    else:
        bar = bar.strip()
    return redirect(url_for("index", q=bar))  # ok: python.open-redirect


@app.route("/w3/trust-finally", methods=["GET", "POST"])
def trust_finally():
    param = request.query_string.decode()
    bar = "default"
    try:
        bar = param
    finally:
        audit = "done"
    session["userid"] = bar  # expect: python.trust-boundary
    return "stored"


@app.route("/w3/trust-finally-safe", methods=["GET", "POST"])
def trust_finally_safe():
    param = request.query_string.decode()
    bar = "default"
    try:
        bar = param
    finally:
        bar = "default"
    session["userid"] = bar  # ok: python.trust-boundary
    return "stored"


@app.route("/w3/deser-with_buffer", methods=["GET", "POST"])
def deser_with_buffer():
    param = request.args.get("q", "")
    with io.StringIO() as out:
        out.write(param)
        bar = out.getvalue()
    obj = pickle.loads(base64.b64decode(bar))  # expect: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-with_buffer-safe", methods=["GET", "POST"])
def deser_with_buffer_safe():
    param = request.args.get("q", "")
    with io.StringIO() as out:
        out.write("static")
        bar = out.getvalue()
    obj = pickle.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-with_buffer-sanitized", methods=["GET", "POST"])
def deser_with_buffer_sanitized():
    param = request.args.get("q", "")
    with io.StringIO() as out:
        out.write(param)
        bar = out.getvalue()
    obj = json.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/xss-walrus", methods=["GET", "POST"])
def xss_walrus():
    param = request.form["q"]
    if (bar := param.strip()) == "":
        bar = "none"
    return "<p>Hello " + bar + "</p>"  # expect: python.xss


@app.route("/w3/xss-walrus-safe", methods=["GET", "POST"])
def xss_walrus_safe():
    param = request.form["q"]
    if (number := int(param or 0)) < 0:
        number = 0
    bar = str(number)
    return "<p>Hello " + bar + "</p>"  # ok: python.xss


@app.route("/w3/redirect-lambda", methods=["GET", "POST"])
def redirect_lambda():
    param = request.cookies.get("q", "")
    tidy = lambda s: s.strip().lower()
    bar = tidy(param)
    return redirect(bar)  # expect: python.open-redirect


@app.route("/w3/redirect-lambda-safe", methods=["GET", "POST"])
def redirect_lambda_safe():
    param = request.cookies.get("q", "")
    tidy = lambda s: s if s.isalnum() else "invalid"
    bar = tidy(param)
    return redirect(bar)  # ok: python.open-redirect


@app.route("/w3/redirect-lambda-sanitized", methods=["GET", "POST"])
def redirect_lambda_sanitized():
    param = request.cookies.get("q", "")
    tidy = lambda s: s.strip().lower()
    bar = tidy(param)
    return redirect(url_for("index", q=bar))  # ok: python.open-redirect


@app.route("/w3/trust-partial", methods=["GET", "POST"])
def trust_partial():
    param = request.headers.get("X-Query", "")
    fmt = functools.partial("{}{}".format, "")
    bar = fmt(param)
    session["userid"] = bar  # expect: python.trust-boundary
    return "stored"


@app.route("/w3/trust-partial-safe", methods=["GET", "POST"])
def trust_partial_safe():
    param = request.headers.get("X-Query", "")
    to_int = functools.partial(int, base=10)
    bar = str(to_int(param))
    session["userid"] = bar  # ok: python.trust-boundary
    return "stored"


@app.route("/w3/deser-map", methods=["GET", "POST"])
def deser_map():
    param = request.values.get("q", "")
    bar = ",".join(map(str.strip, param.split(",")))
    obj = pickle.loads(base64.b64decode(bar))  # expect: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-map-safe", methods=["GET", "POST"])
def deser_map_safe():
    param = request.values.get("q", "")
    bar = ",".join(map(str, map(int, param.split(","))))
    obj = pickle.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-map-sanitized", methods=["GET", "POST"])
def deser_map_sanitized():
    param = request.values.get("q", "")
    bar = ",".join(map(str.strip, param.split(",")))
    obj = json.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/xss-filter", methods=["GET", "POST"])
def xss_filter():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = "".join(filter(lambda c: c != " ", param))
    return "<p>Hello " + bar + "</p>"  # expect: python.xss


@app.route("/w3/xss-filter-safe", methods=["GET", "POST"])
def xss_filter_safe():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = "".join(filter(str.isalnum, param))
    return "<p>Hello " + bar + "</p>"  # ok: python.xss


@app.route("/w3/redirect-listcomp", methods=["GET", "POST"])
def redirect_listcomp():
    param = request.args.getlist("q")[0]
    bar = "".join([c for c in param if c not in " \t"])
    return redirect(bar)  # expect: python.open-redirect


@app.route("/w3/redirect-listcomp-safe", methods=["GET", "POST"])
def redirect_listcomp_safe():
    param = request.args.getlist("q")[0]
    bar = "".join([c for c in param if c.isalnum()])
    return redirect(bar)  # ok: python.open-redirect


@app.route("/w3/redirect-listcomp-sanitized", methods=["GET", "POST"])
def redirect_listcomp_sanitized():
    param = request.args.getlist("q")[0]
    bar = "".join([c for c in param if c not in " \t"])
    return redirect(url_for("index", q=bar))  # ok: python.open-redirect


@app.route("/w3/trust-ternary", methods=["GET", "POST"])
def trust_ternary():
    param = request.get_data(as_text=True)
    num = 106
    bar = param if (7 * 18) + num > 200 else "This should never happen"
    session["userid"] = bar  # expect: python.trust-boundary
    return "stored"


@app.route("/w3/trust-ternary-safe", methods=["GET", "POST"])
def trust_ternary_safe():
    param = request.get_data(as_text=True)
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    session["userid"] = bar  # ok: python.trust-boundary
    return "stored"


@app.route("/w3/deser-match", methods=["GET", "POST"])
def deser_match():
    param = request.form.get("q", "")
    switch_target = "B"
    match switch_target:
        case "A":
            bar = "bobs_your_uncle"
        case "B":
            bar = param
        case _:
            bar = "bobs_your_uncle"
    obj = pickle.loads(base64.b64decode(bar))  # expect: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-match-safe", methods=["GET", "POST"])
def deser_match_safe():
    param = request.form.get("q", "")
    switch_target = "C"
    match switch_target:
        case "A":
            bar = param
        case "C":
            bar = "bobs_your_uncle"
        case _:
            bar = param
    obj = pickle.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/deser-match-sanitized", methods=["GET", "POST"])
def deser_match_sanitized():
    param = request.form.get("q", "")
    switch_target = "B"
    match switch_target:
        case "A":
            bar = "bobs_your_uncle"
        case "B":
            bar = param
        case _:
            bar = "bobs_your_uncle"
    obj = json.loads(base64.b64decode(bar))  # ok: python.insecure-deserialization
    return jsonify(kind=type(obj).__name__)


@app.route("/w3/xss-holder", methods=["GET", "POST"])
def xss_holder():
    param = next(iter(request.args.values()), "")
    holder = ValueHolder(param)
    bar = holder.get()
    return "<p>Hello " + bar + "</p>"  # expect: python.xss


@app.route("/w3/xss-holder-safe", methods=["GET", "POST"])
def xss_holder_safe():
    param = next(iter(request.args.values()), "")
    holder = ValueHolder(param)
    bar = holder.default()
    return "<p>Hello " + bar + "</p>"  # ok: python.xss


@app.route("/w3/redirect-helper", methods=["GET", "POST"])
def redirect_helper():
    param = request.files["upload"].filename
    bar = do_something(param)
    return redirect(bar)  # expect: python.open-redirect


@app.route("/w3/redirect-helper-safe", methods=["GET", "POST"])
def redirect_helper_safe():
    param = request.files["upload"].filename
    bar = do_nothing(param)
    return redirect(bar)  # ok: python.open-redirect


@app.route("/w3/redirect-helper-sanitized", methods=["GET", "POST"])
def redirect_helper_sanitized():
    param = request.files["upload"].filename
    bar = do_something(param)
    return redirect(url_for("index", q=bar))  # ok: python.open-redirect
