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


@app.route("/w3/ldap-concat", methods=["GET", "POST"])
def ldap_concat():
    param = request.files["upload"].filename
    bar = "" + param + ""
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-concat-safe", methods=["GET", "POST"])
def ldap_concat_safe():
    param = request.files["upload"].filename
    bar = "" + param + ""
    bar = "fixed-value"
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-list", methods=["GET", "POST"])
def xpath_list():
    param = request.query_string.decode()
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-list-safe", methods=["GET", "POST"])
def xpath_list_safe():
    param = request.query_string.decode()
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-list-sanitized", methods=["GET", "POST"])
def xpath_list_sanitized():
    param = request.query_string.decode()
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid=$emplid]", emplid=bar)  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-dict", methods=["GET", "POST"])
def xxe_dict():
    param = request.args.get("q", "")
    mapping = {"keyA": "a-Value", "keyB": param}
    bar = mapping["keyB"]
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-dict-safe", methods=["GET", "POST"])
def xxe_dict_safe():
    param = request.args.get("q", "")
    mapping = {"keyA": "a-Value", "keyB": param}
    bar = mapping["keyA"]
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/ldap-deque", methods=["GET", "POST"])
def ldap_deque():
    param = request.form["q"]
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.pop()
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-deque-safe", methods=["GET", "POST"])
def ldap_deque_safe():
    param = request.form["q"]
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.popleft()
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-deque-sanitized", methods=["GET", "POST"])
def ldap_deque_sanitized():
    param = request.form["q"]
    buf = collections.deque()
    buf.append("safe")
    buf.append(param)
    bar = buf.pop()
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + escape_filter_chars(bar) + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-queue", methods=["GET", "POST"])
def xpath_queue():
    param = request.cookies.get("q", "")
    fifo = queue.Queue()
    fifo.put(param)
    fifo.put("safe")
    bar = fifo.get()
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-queue-safe", methods=["GET", "POST"])
def xpath_queue_safe():
    param = request.cookies.get("q", "")
    fifo = queue.Queue()
    fifo.put("safe")
    fifo.put(param)
    bar = fifo.get()
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-configparser", methods=["GET", "POST"])
def xxe_configparser():
    param = request.headers.get("X-Query", "")
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyB")
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-configparser-safe", methods=["GET", "POST"])
def xxe_configparser_safe():
    param = request.headers.get("X-Query", "")
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyA")
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-configparser-sanitized", methods=["GET", "POST"])
def xxe_configparser_sanitized():
    param = request.headers.get("X-Query", "")
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a_Value")
    conf.set("s", "keyB", param)
    bar = conf.get("s", "keyB")
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/ldap-base64", methods=["GET", "POST"])
def ldap_base64():
    param = request.values.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode("utf-8"))).decode("utf-8")
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-base64-sanitized", methods=["GET", "POST"])
def ldap_base64_sanitized():
    param = request.values.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode("utf-8"))).decode("utf-8")
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + escape_filter_chars(bar) + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-unquote", methods=["GET", "POST"])
def xpath_unquote():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = urllib.parse.unquote_plus(param)
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-unquote-sanitized", methods=["GET", "POST"])
def xpath_unquote_sanitized():
    param = (request.get_json(silent=True) or {}).get("q", "")
    bar = urllib.parse.unquote_plus(param)
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid=$emplid]", emplid=bar)  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-codecs", methods=["GET", "POST"])
def xxe_codecs():
    param = request.args.getlist("q")[0]
    bar = codecs.decode(codecs.encode(param, "rot_13"), "rot_13")
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-codecs-sanitized", methods=["GET", "POST"])
def xxe_codecs_sanitized():
    param = request.args.getlist("q")[0]
    bar = codecs.decode(codecs.encode(param, "rot_13"), "rot_13")
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/ldap-reversed", methods=["GET", "POST"])
def ldap_reversed():
    param = request.get_data(as_text=True)
    backwards = "".join(reversed(param))
    bar = backwards[::-1]
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-reversed-sanitized", methods=["GET", "POST"])
def ldap_reversed_sanitized():
    param = request.get_data(as_text=True)
    backwards = "".join(reversed(param))
    bar = backwards[::-1]
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + escape_filter_chars(bar) + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-slice", methods=["GET", "POST"])
def xpath_slice():
    param = request.form.get("q", "")
    bar = param[:256]
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-slice-sanitized", methods=["GET", "POST"])
def xpath_slice_sanitized():
    param = request.form.get("q", "")
    bar = param[:256]
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid=$emplid]", emplid=bar)  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/ldap-split", methods=["GET", "POST"])
def ldap_split():
    param = next(iter(request.args.values()), "")
    bar = param.split()[0] if param.split() else ""
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-split-sanitized", methods=["GET", "POST"])
def ldap_split_sanitized():
    param = next(iter(request.args.values()), "")
    bar = param.split()[0] if param.split() else ""
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + escape_filter_chars(bar) + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-format_map", methods=["GET", "POST"])
def ldap_format_map():
    param = request.files["upload"].filename
    bar = "{value}".format_map({"value": param, "other": "x"})
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-format_map-safe", methods=["GET", "POST"])
def ldap_format_map_safe():
    param = request.files["upload"].filename
    bar = "{other}".format_map({"value": param, "other": "x"})
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-template", methods=["GET", "POST"])
def xpath_template():
    param = request.query_string.decode()
    bar = string.Template("$value").substitute(value=param)
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-template-safe", methods=["GET", "POST"])
def xpath_template_safe():
    param = request.query_string.decode()
    bar = string.Template("$value").substitute(value="static", other=param)
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-template-sanitized", methods=["GET", "POST"])
def xpath_template_sanitized():
    param = request.query_string.decode()
    bar = string.Template("$value").substitute(value=param)
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid=$emplid]", emplid=bar)  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-percent_dict", methods=["GET", "POST"])
def xxe_percent_dict():
    param = request.args.get("q", "")
    bar = "%(value)s" % {"value": param, "other": "x"}
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-percent_dict-safe", methods=["GET", "POST"])
def xxe_percent_dict_safe():
    param = request.args.get("q", "")
    bar = "%(other)s" % {"value": param, "other": "x"}
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/ldap-for_chars", methods=["GET", "POST"])
def ldap_for_chars():
    param = request.form["q"]
    bar = ""
    for ch in param:
        bar += ch
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-for_chars-safe", methods=["GET", "POST"])
def ldap_for_chars_safe():
    param = request.form["q"]
    bar = ""
    for ch in param:
        if ch.isalnum():
            bar += ch
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-for_chars-sanitized", methods=["GET", "POST"])
def ldap_for_chars_sanitized():
    param = request.form["q"]
    bar = ""
    for ch in param:
        bar += ch
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + escape_filter_chars(bar) + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-while", methods=["GET", "POST"])
def xpath_while():
    param = request.cookies.get("q", "")
    bar = ""
    i = 0
    while i < len(param):
        bar = bar + param[i]
        i += 1
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-while-safe", methods=["GET", "POST"])
def xpath_while_safe():
    param = request.cookies.get("q", "")
    bar = ""
    i = 0
    while i < len(param):
        ch = param[i]
        if ch.isdigit():
            bar = bar + ch
        i += 1
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-try_else", methods=["GET", "POST"])
def xxe_try_else():
    param = request.headers.get("X-Query", "")
    try:
        bar = param.encode("utf-8").decode("ascii")
    except UnicodeError:
        bar = ""
    else:
        bar = bar.strip()
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-try_else-safe", methods=["GET", "POST"])
def xxe_try_else_safe():
    param = request.headers.get("X-Query", "")
    try:
        bar = str(int(param))
    except ValueError:
        bar = "0"
    else:
        bar = bar.strip()
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-try_else-sanitized", methods=["GET", "POST"])
def xxe_try_else_sanitized():
    param = request.headers.get("X-Query", "")
    try:
        bar = param.encode("utf-8").decode("ascii")
    except UnicodeError:
        bar = ""
    else:
        bar = bar.strip()
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/ldap-finally", methods=["GET", "POST"])
def ldap_finally():
    param = request.values.get("q", "")
    bar = "default"
    try:
        bar = param
    finally:
        audit = "done"
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-finally-safe", methods=["GET", "POST"])
def ldap_finally_safe():
    param = request.values.get("q", "")
    bar = "default"
    try:
        bar = param
    finally:
        bar = "default"
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-with_buffer", methods=["GET", "POST"])
def xpath_with_buffer():
    param = (request.get_json(silent=True) or {}).get("q", "")
    with io.StringIO() as out:
        out.write(param)
        bar = out.getvalue()
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-with_buffer-safe", methods=["GET", "POST"])
def xpath_with_buffer_safe():
    param = (request.get_json(silent=True) or {}).get("q", "")
    with io.StringIO() as out:
        out.write("static")
        bar = out.getvalue()
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-with_buffer-sanitized", methods=["GET", "POST"])
def xpath_with_buffer_sanitized():
    param = (request.get_json(silent=True) or {}).get("q", "")
    with io.StringIO() as out:
        out.write(param)
        bar = out.getvalue()
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid=$emplid]", emplid=bar)  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-walrus", methods=["GET", "POST"])
def xxe_walrus():
    param = request.args.getlist("q")[0]
    if (bar := param.strip()) == "":
        bar = "none"
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-walrus-safe", methods=["GET", "POST"])
def xxe_walrus_safe():
    param = request.args.getlist("q")[0]
    if (number := int(param or 0)) < 0:
        number = 0
    bar = str(number)
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/ldap-lambda", methods=["GET", "POST"])
def ldap_lambda():
    param = request.get_data(as_text=True)
    tidy = lambda s: s.strip().lower()
    bar = tidy(param)
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-lambda-safe", methods=["GET", "POST"])
def ldap_lambda_safe():
    param = request.get_data(as_text=True)
    tidy = lambda s: s if s.isalnum() else "invalid"
    bar = tidy(param)
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-lambda-sanitized", methods=["GET", "POST"])
def ldap_lambda_sanitized():
    param = request.get_data(as_text=True)
    tidy = lambda s: s.strip().lower()
    bar = tidy(param)
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + escape_filter_chars(bar) + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-partial", methods=["GET", "POST"])
def xpath_partial():
    param = request.form.get("q", "")
    fmt = functools.partial("{}{}".format, "")
    bar = fmt(param)
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-partial-safe", methods=["GET", "POST"])
def xpath_partial_safe():
    param = request.form.get("q", "")
    to_int = functools.partial(int, base=10)
    bar = str(to_int(param))
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-map", methods=["GET", "POST"])
def xxe_map():
    param = next(iter(request.args.values()), "")
    bar = ",".join(map(str.strip, param.split(",")))
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-map-safe", methods=["GET", "POST"])
def xxe_map_safe():
    param = next(iter(request.args.values()), "")
    bar = ",".join(map(str, map(int, param.split(","))))
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-map-sanitized", methods=["GET", "POST"])
def xxe_map_sanitized():
    param = next(iter(request.args.values()), "")
    bar = ",".join(map(str.strip, param.split(",")))
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/ldap-filter", methods=["GET", "POST"])
def ldap_filter():
    param = request.files["upload"].filename
    bar = "".join(filter(lambda c: c != " ", param))
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-filter-safe", methods=["GET", "POST"])
def ldap_filter_safe():
    param = request.files["upload"].filename
    bar = "".join(filter(str.isalnum, param))
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-listcomp", methods=["GET", "POST"])
def xpath_listcomp():
    param = request.query_string.decode()
    bar = "".join([c for c in param if c not in " \t"])
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-listcomp-safe", methods=["GET", "POST"])
def xpath_listcomp_safe():
    param = request.query_string.decode()
    bar = "".join([c for c in param if c.isalnum()])
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-listcomp-sanitized", methods=["GET", "POST"])
def xpath_listcomp_sanitized():
    param = request.query_string.decode()
    bar = "".join([c for c in param if c not in " \t"])
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid=$emplid]", emplid=bar)  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-ternary", methods=["GET", "POST"])
def xxe_ternary():
    param = request.args.get("q", "")
    num = 106
    bar = param if (7 * 18) + num > 200 else "This should never happen"
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-ternary-safe", methods=["GET", "POST"])
def xxe_ternary_safe():
    param = request.args.get("q", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/ldap-match", methods=["GET", "POST"])
def ldap_match():
    param = request.form["q"]
    switch_target = "B"
    match switch_target:
        case "A":
            bar = "bobs_your_uncle"
        case "B":
            bar = param
        case _:
            bar = "bobs_your_uncle"
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # expect: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-match-safe", methods=["GET", "POST"])
def ldap_match_safe():
    param = request.form["q"]
    switch_target = "C"
    match switch_target:
        case "A":
            bar = param
        case "C":
            bar = "bobs_your_uncle"
        case _:
            bar = param
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + bar + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/ldap-match-sanitized", methods=["GET", "POST"])
def ldap_match_sanitized():
    param = request.form["q"]
    switch_target = "B"
    match switch_target:
        case "A":
            bar = "bobs_your_uncle"
        case "B":
            bar = param
        case _:
            bar = "bobs_your_uncle"
    conn = ldap3.Connection(ldap3.Server("ldap://localhost"), auto_bind=True)
    conn.search("dc=example,dc=com", "(&(objectclass=person)(uid=" + escape_filter_chars(bar) + "))")  # ok: python.ldap-injection
    return jsonify(count=len(conn.entries))


@app.route("/w3/xpath-holder", methods=["GET", "POST"])
def xpath_holder():
    param = request.cookies.get("q", "")
    holder = ValueHolder(param)
    bar = holder.get()
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # expect: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xpath-holder-safe", methods=["GET", "POST"])
def xpath_holder_safe():
    param = request.cookies.get("q", "")
    holder = ValueHolder(param)
    bar = holder.default()
    root = lxml.etree.parse("employees.xml")
    nodes = root.xpath("/Employees/Employee[@emplid='" + bar + "']")  # ok: python.xpath-injection
    return jsonify(count=len(nodes))


@app.route("/w3/xxe-helper", methods=["GET", "POST"])
def xxe_helper():
    param = request.headers.get("X-Query", "")
    bar = do_something(param)
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # expect: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-helper-safe", methods=["GET", "POST"])
def xxe_helper_safe():
    param = request.headers.get("X-Query", "")
    bar = do_nothing(param)
    parser = lxml.etree.XMLParser(resolve_entities=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)


@app.route("/w3/xxe-helper-sanitized", methods=["GET", "POST"])
def xxe_helper_sanitized():
    param = request.headers.get("X-Query", "")
    bar = do_something(param)
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    doc = lxml.etree.fromstring(bar.encode("utf-8"), parser)  # ok: python.xxe
    return jsonify(tag=doc.tag)
