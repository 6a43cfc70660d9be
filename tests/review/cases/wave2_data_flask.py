# ruff: noqa
# fmt: off
"""XXE (611), deserialization (502), LDAP (90), XPath (643) and trust boundary (501) in other
people's Flask idioms: lxml parsers, SAX features, defusedxml, pickle/yaml/jsonpickle of uploads
and cookies, ldap3 and python-ldap filters, lxml XPath variables, session writes."""
import base64
import io
import json
import pickle
import xml.sax
from xml.dom import minidom

import defusedxml.ElementTree as DET
import jsonpickle
import ldap
import ldap.filter
import yaml
from flask import Flask, jsonify, request, session
from ldap3 import Connection, Server, SUBTREE
from ldap3.utils.conv import escape_filter_chars
from lxml import etree

app = Flask(__name__)
ROLES = ("viewer", "editor")


class Handler(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.names = []


# ---------------------------------------------------------------- XXE

@app.route("/w2/xxe/import", methods=["POST"])
def xxe_import():
    parser = etree.XMLParser(load_dtd=True, no_network=False)
    root = etree.fromstring(request.data, parser)  # expect: python.xxe
    return jsonify(tag=root.tag)


@app.route("/w2/xxe/import-safe", methods=["POST"])
def xxe_import_safe():
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(request.data, parser)  # ok: python.xxe
    return jsonify(tag=root.tag)


@app.route("/w2/xxe/upload", methods=["POST"])
def xxe_upload():
    upload = request.files["feed"]
    tree = etree.parse(upload, etree.XMLParser(resolve_entities=True))  # expect: python.xxe
    return jsonify(items=len(tree.getroot()))


@app.route("/w2/xxe/upload-safe", methods=["POST"])
def xxe_upload_safe():
    upload = request.files["feed"]
    tree = DET.parse(upload)  # ok: python.xxe
    return jsonify(items=len(tree.getroot()))


@app.route("/w2/xxe/sax", methods=["POST"])
def xxe_sax():
    handler = Handler()
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    parser.setContentHandler(handler)
    parser.parse(io.BytesIO(request.get_data()))  # expect: python.xxe
    return jsonify(handler.names)


@app.route("/w2/xxe/sax-safe", methods=["POST"])
def xxe_sax_safe():
    handler = Handler()
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setContentHandler(handler)
    parser.parse(io.BytesIO(request.get_data()))  # ok: python.xxe
    return jsonify(handler.names)


@app.route("/w2/xxe/minidom", methods=["POST"])
def xxe_minidom():
    doc = minidom.parseString(request.form["xml"])  # ok: python.xxe
    return jsonify(root=doc.documentElement.tagName)


@app.route("/w2/xxe/defused", methods=["POST"])
def xxe_defused():
    root = DET.fromstring(request.get_data())  # ok: python.xxe
    return jsonify(tag=root.tag)


# ---------------------------------------------------------------- deserialization

@app.route("/w2/deser/state")
def deser_state():
    raw = request.cookies.get("state", "")
    state = pickle.loads(base64.b64decode(raw))  # expect: python.insecure-deserialization
    return jsonify(state)


@app.route("/w2/deser/state-safe")
def deser_state_safe():
    raw = request.cookies.get("state", "")
    state = json.loads(base64.b64decode(raw))  # ok: python.insecure-deserialization
    return jsonify(state)


@app.route("/w2/deser/model", methods=["POST"])
def deser_model():
    model = pickle.load(request.files["model"])  # expect: python.insecure-deserialization
    return jsonify(kind=type(model).__name__)


@app.route("/w2/deser/config", methods=["POST"])
def deser_config():
    config = yaml.load(request.data, Loader=yaml.Loader)  # expect: python.insecure-deserialization
    return jsonify(config)


@app.route("/w2/deser/config-safe", methods=["POST"])
def deser_config_safe():
    config = yaml.safe_load(request.data)  # ok: python.insecure-deserialization
    return jsonify(config)


@app.route("/w2/deser/config-loader", methods=["POST"])
def deser_config_loader():
    text = request.get_data(as_text=True)
    config = yaml.load(text, Loader=yaml.SafeLoader)  # ok: python.insecure-deserialization
    return jsonify(config)


@app.route("/w2/deser/jsonpickle", methods=["POST"])
def deser_jsonpickle():
    obj = jsonpickle.decode(request.get_json()["payload"])  # expect: python.insecure-deserialization
    return jsonify(repr(obj))


@app.route("/w2/deser/jsonpickle-safe", methods=["POST"])
def deser_jsonpickle_safe():
    obj = json.loads(request.get_json()["payload"])  # ok: python.insecure-deserialization
    return jsonify(obj)


# ---------------------------------------------------------------- LDAP

def ldap_conn():
    return Connection(Server("ldap://localhost"), auto_bind=True)


@app.route("/w2/ldap/user")
def ldap_user():
    uid = request.args.get("uid", "")
    conn = ldap_conn()
    conn.search("dc=example,dc=com", f"(uid={uid})", search_scope=SUBTREE)  # expect: python.ldap-injection
    return jsonify([str(e) for e in conn.entries])


@app.route("/w2/ldap/user-safe")
def ldap_user_safe():
    uid = request.args.get("uid", "")
    conn = ldap_conn()
    conn.search("dc=example,dc=com", f"(uid={escape_filter_chars(uid)})", search_scope=SUBTREE)  # ok: python.ldap-injection
    return jsonify([str(e) for e in conn.entries])


@app.route("/w2/ldap/group", methods=["POST"])
def ldap_group():
    group = request.form["group"]
    conn = ldap.initialize("ldap://localhost")
    results = conn.search_s("ou=groups,dc=example,dc=com", ldap.SCOPE_SUBTREE, "(cn=%s)" % group)  # expect: python.ldap-injection
    return jsonify(len(results))


@app.route("/w2/ldap/group-safe", methods=["POST"])
def ldap_group_safe():
    group = request.form["group"]
    conn = ldap.initialize("ldap://localhost")
    flt = ldap.filter.filter_format("(cn=%s)", [group])
    results = conn.search_s("ou=groups,dc=example,dc=com", ldap.SCOPE_SUBTREE, flt)  # ok: python.ldap-injection
    return jsonify(len(results))


@app.route("/w2/ldap/mail")
def ldap_mail():
    mail = request.headers.get("X-Mail", "")
    conn = ldap_conn()
    conn.search(search_base="dc=example,dc=com", search_filter="(mail=" + mail + ")")  # expect: python.ldap-injection
    return jsonify([str(e) for e in conn.entries])


@app.route("/w2/ldap/mail-safe")
def ldap_mail_safe():
    mail = request.headers.get("X-Mail", "")
    conn = ldap_conn()
    conn.search(search_base="dc=example,dc=com", search_filter="(mail=" + ldap.filter.escape_filter_chars(mail) + ")")  # ok: python.ldap-injection
    return jsonify([str(e) for e in conn.entries])


# ---------------------------------------------------------------- XPath

@app.route("/w2/xpath/book")
def xpath_book():
    title = request.args.get("title", "")
    tree = etree.parse("books.xml")
    found = tree.xpath(f"//book[title='{title}']/price/text()")  # expect: python.xpath-injection
    return jsonify(found)


@app.route("/w2/xpath/book-safe")
def xpath_book_safe():
    title = request.args.get("title", "")
    tree = etree.parse("books.xml")
    found = tree.xpath("//book[title=$title]/price/text()", title=title)  # ok: python.xpath-injection
    return jsonify(found)


@app.route("/w2/xpath/compiled")
def xpath_compiled():
    author = request.args.get("author", "")
    find = etree.XPath("//book[author='" + author + "']")  # expect: python.xpath-injection
    return jsonify(len(find(etree.parse("books.xml"))))


@app.route("/w2/xpath/compiled-safe")
def xpath_compiled_safe():
    author = request.args.get("author", "")
    find = etree.XPath("//book[author=$author]")  # ok: python.xpath-injection
    return jsonify(len(find(etree.parse("books.xml"), author=author)))


@app.route("/w2/xpath/etree")
def xpath_etree():
    user = request.values.get("user", "")
    root = etree.parse("users.xml").getroot()
    node = root.find(".//user[@name='%s']" % user)  # expect: python.xpath-injection
    return jsonify(found=node is not None)


# ---------------------------------------------------------------- trust boundary

@app.route("/w2/trust/login", methods=["POST"])
def trust_login():
    session["username"] = request.form["username"]  # expect: python.trust-boundary
    return "welcome"


@app.route("/w2/trust/role", methods=["POST"])
def trust_role():
    role = request.form.get("role", "viewer")
    session["role"] = role if role in ROLES else "viewer"  # ok: python.trust-boundary
    return "ok"


@app.route("/w2/trust/cart", methods=["POST"])
def trust_cart():
    cart = request.get_json().get("cart", [])
    session.update(cart=cart)  # expect: python.trust-boundary
    return "ok"


@app.route("/w2/trust/visits")
def trust_visits():
    session["visits"] = session.get("visits", 0) + 1  # ok: python.trust-boundary
    return str(session["visits"])


@app.route("/w2/trust/prefs", methods=["POST"])
def trust_prefs():
    prefs = {"lang": request.form.get("lang", "en")}
    session["prefs"] = prefs  # expect: python.trust-boundary
    return "ok"


@app.route("/w2/trust/page")
def trust_page():
    session["page"] = request.args.get("page", 1, type=int)  # ok: python.trust-boundary
    return "ok"


@app.route("/w2/deser/joblib", methods=["POST"])
def deser_joblib():
    import joblib
    model = joblib.load(request.files["model"])  # expect: python.insecure-deserialization
    return jsonify(kind=type(model).__name__)


@app.route("/w2/deser/numpy", methods=["POST"])
def deser_numpy():
    import numpy as np
    arr = np.load(io.BytesIO(request.get_data()), allow_pickle=True)  # expect: python.insecure-deserialization
    return jsonify(shape=list(arr.shape))


@app.route("/w2/deser/numpy-safe", methods=["POST"])
def deser_numpy_safe():
    import numpy as np
    arr = np.load(io.BytesIO(request.get_data()))  # ok: python.insecure-deserialization
    return jsonify(shape=list(arr.shape))
