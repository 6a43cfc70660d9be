# ruff: noqa
# fmt: off
"""XXE (611), deserialization (502), trust boundary (501): vulnerable and safe twins."""
import io
import marshal
import pickle
import xml.dom.minidom
import xml.sax
import xml.sax.handler

import defusedxml.minidom
import yaml
from flask import Flask, request, session
from lxml import etree

app = Flask(__name__)


@app.route("/xxe/01", methods=["POST"])
def xxe_01():
    param = request.form.get("doc", "")
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    doc = xml.dom.minidom.parseString(param, parser)  # expect: python.xxe
    return "done"


@app.route("/xxe/01-safe", methods=["POST"])
def xxe_01_safe():
    param = request.form.get("doc", "")
    parser = xml.sax.make_parser()
    doc = xml.dom.minidom.parseString(param, parser)  # ok: python.xxe
    return "done"


@app.route("/xxe/02", methods=["POST"])
def xxe_02():
    body = request.get_data()
    parser = etree.XMLParser(resolve_entities=True)
    tree = etree.fromstring(body, parser)  # expect: python.xxe
    return "done"


@app.route("/xxe/02-safe", methods=["POST"])
def xxe_02_safe():
    body = request.get_data()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.fromstring(body, parser)  # ok: python.xxe
    return "done"


@app.route("/xxe/03", methods=["POST"])
def xxe_03():
    param = request.form.get("doc", "")
    doc = defusedxml.minidom.parseString(param)  # ok: python.xxe
    return "done"


@app.route("/deser/01", methods=["POST"])
def deser_01():
    data = request.get_data()
    obj = pickle.loads(data)  # expect: python.insecure-deserialization
    return "done"


@app.route("/deser/01-safe", methods=["POST"])
def deser_01_safe():
    data = request.get_data()
    config = {"keyA": data, "keyB": b"static"}
    obj = pickle.loads(config["keyB"])  # ok: python.insecure-deserialization
    return "done"


@app.route("/deser/02", methods=["POST"])
def deser_02():
    param = request.headers.get("X-Config", "")
    obj = yaml.load(param, Loader=yaml.Loader)  # expect: python.insecure-deserialization
    return "done"


@app.route("/deser/02-safe", methods=["POST"])
def deser_02_safe():
    param = request.headers.get("X-Config", "")
    obj = yaml.safe_load(param)  # ok: python.insecure-deserialization
    return "done"


@app.route("/deser/03", methods=["POST"])
def deser_03():
    param = request.cookies.get("state", "")
    obj = marshal.loads(bytes.fromhex(param))  # expect: python.insecure-deserialization
    return "done"


@app.route("/deser/03-safe", methods=["POST"])
def deser_03_safe():
    param = request.cookies.get("state", "")
    obj = yaml.load(io.StringIO(param), Loader=yaml.SafeLoader)  # ok: python.insecure-deserialization
    return "done"


@app.route("/trust/01", methods=["POST"])
def trust_01():
    param = request.form.get("role", "")
    session["role"] = param  # expect: python.trust-boundary
    return "saved"


@app.route("/trust/01-safe", methods=["POST"])
def trust_01_safe():
    param = request.form.get("role", "")
    if param not in ("reader", "writer"):
        return "bad role", 400
    session["role"] = param  # ok: python.trust-boundary
    return "saved"


@app.route("/trust/02")
def trust_02():
    param = request.args.get("user", "")
    bar = param.strip()
    session[bar] = "seen"  # expect: python.trust-boundary
    return "saved"


@app.route("/trust/02-safe")
def trust_02_safe():
    param = request.args.get("count", "0")
    session["count"] = int(param)  # ok: python.trust-boundary
    return "saved"
