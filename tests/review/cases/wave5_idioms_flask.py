# ruff: noqa
# fmt: off
"""Wave 5: idioms met in a random, held-out style sample of small Flask handlers that no
earlier wave labelled: request header *names* picked in a loop, multi-valued headers read
with `getlist`, `codecs.open` as a file sink, XPath literals quoted by replacing the
apostrophe with `&apos;`, `random.randbytes` for a token, and a variable overwritten only by
constants under a test of its own value (it holds no request data whatever the branch);
`hashlib.new(name=...)` naming its algorithm by keyword; each vulnerable route has a safe twin."""
import codecs
import hashlib
import io
import random
import secrets

import lxml.etree
from flask import Flask, request, session

app = Flask(__name__)
SKIP = {"host", "accept", "user-agent", "content-length"}
SHELF = "/srv/shelf"


def _first_custom_header() -> str:
    chosen = ""
    for header in request.headers.keys():
        if header.lower() in SKIP:
            continue
        if request.headers.get_all(header):
            chosen = header
            break
    return chosen


@app.route("/w5/shelf/open", methods=["POST"])
def shelf_open():
    label = ""
    for header in request.headers.keys():
        if header.lower() in SKIP:
            continue
        if request.headers.get_all(header):
            label = header
            break
    handle = codecs.open(f"{SHELF}/{label}", "r", "utf-8")  # expect: python.path-traversal
    return str(len(handle.read(200)))


@app.route("/w5/shelf/open-safe", methods=["POST"])
def shelf_open_safe():
    label = ""
    for header in request.headers.keys():
        if header.lower() in SKIP:
            continue
        if request.headers.get_all(header):
            label = header
            break
    kept = ["intro", label, "outro"]
    kept.pop(1)
    handle = codecs.open(f"{SHELF}/{kept[0]}.txt", "r", "utf-8")  # ok: python.path-traversal
    return str(len(handle.read(200)))


@app.route("/w5/shelf/mark", methods=["POST"])
def shelf_mark():
    session[_first_custom_header()] = "seen"  # expect: python.trust-boundary
    return "marked"


@app.route("/w5/shelf/mark-safe", methods=["POST"])
def shelf_mark_safe():
    picked = _first_custom_header()
    session["last-mark"] = "seen" if picked else "none"  # ok: python.trust-boundary
    return "marked"


@app.route("/w5/staff/find")
def staff_find():
    wanted = ""
    tags = request.headers.getlist("X-Staff")
    if tags:
        wanted = tags[0]
    tree = lxml.etree.parse("/srv/staff.xml")
    rows = tree.xpath(f"/staff/member[@code='{wanted}']")  # expect: python.xpath-injection
    return str(len(rows))


@app.route("/w5/staff/find-safe")
def staff_find_safe():
    wanted = ""
    tags = request.headers.getlist("X-Staff")
    if tags:
        wanted = tags[0]
    quoted = wanted.replace("'", "&apos;")
    tree = lxml.etree.parse("/srv/staff.xml")
    rows = tree.xpath(f"/staff/member[@code='{quoted}']")  # ok: python.xpath-injection
    return str(len(rows))


@app.route("/w5/invite")
def invite():
    code = random.randbytes(16).hex()  # expect: python.weak-random
    session["invite"] = code
    return "sent"


@app.route("/w5/invite-safe")
def invite_safe():
    code = secrets.token_bytes(16).hex()  # ok: python.weak-random
    session["invite"] = code
    return "sent"


@app.route("/w5/invite/sign", methods=["POST"])
def invite_sign():
    digest = hashlib.new(name="md5")  # expect: python.weak-hash
    digest.update(request.form.get("invite", "").encode())
    return "signed" if digest.hexdigest() else "unsigned"


@app.route("/w5/invite/sign-safe", methods=["POST"])
def invite_sign_safe():
    digest = hashlib.new(name="sha384")  # ok: python.weak-hash
    digest.update(request.form.get("invite", "").encode())
    return "signed" if digest.hexdigest() else "unsigned"


@app.route("/w5/notes/append", methods=["POST"])
def notes_append():
    topic = request.form.get("topic", "")
    target = "draft-notes"
    if "notes" in target:
        target = topic
    with codecs.open(f"{SHELF}/{target}", "a", "utf-8") as out:  # expect: python.path-traversal
        out.write("entry\n")
    return "ok"


@app.route("/w5/notes/append-safe", methods=["POST"])
def notes_append_safe():
    topic = request.form.get("topic", "")
    target = "draft-notes"
    if "notes" not in target:
        target = "other-notes"
    with codecs.open(f"{SHELF}/{target}", "a", "utf-8") as out:  # ok: python.path-traversal
        out.write(topic[:0] + "entry\n")
    return "ok"


@app.route("/w5/notes/read-safe")
def notes_read_safe():
    topic = request.args.get("topic", "")
    buffer = io.StringIO()
    buffer.write(SHELF)
    buffer.write("/index.txt")
    with open(buffer.getvalue()) as handle:  # ok: python.path-traversal
        return handle.read(100) + str(len(topic))


@app.route("/w5/staff/by-team-safe")
def staff_by_team_safe():
    team = request.args.get("team", "")
    tree = lxml.etree.parse("/srv/staff.xml")
    rows = tree.xpath(f"""/staff/member[@team='{team.replace("'", "&apos;")}']""")  # ok: python.xpath-injection
    return str(len(rows))


@app.route("/w5/staff/by-team")
def staff_by_team():
    team = request.args.get("team", "")
    tree = lxml.etree.parse("/srv/staff.xml")
    rows = tree.xpath(f"""/staff/member[@team='{team.replace('"', "&quot;")}']""")  # expect: python.xpath-injection
    return str(len(rows))


@app.route("/w5/staff/by-grade")
def staff_by_grade():
    grade = request.args.get("grade", "").replace("'", "")
    tree = lxml.etree.parse("/srv/staff.xml")
    rows = tree.xpath(f"/staff/member[@grade={grade}]")  # expect: python.xpath-injection
    return str(len(rows))
