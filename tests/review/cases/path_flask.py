# ruff: noqa
# fmt: off
"""Path traversal (CWE-22): vulnerable handlers and their safe twins."""
import os
import pathlib

from flask import Flask, request, send_file
from werkzeug.utils import secure_filename

app = Flask(__name__)
BASE_DIR = "/srv/files"


@app.route("/path/01")
def path_01():
    param = request.args.get("name", "")
    with open(os.path.join(BASE_DIR, param)) as handle:  # expect: python.path-traversal
        handle.read()
    return "done"


@app.route("/path/01-safe")
def path_01_safe():
    param = request.args.get("name", "")
    with open(os.path.join(BASE_DIR, os.path.basename(param))) as handle:  # ok: python.path-traversal
        handle.read()
    return "done"


@app.route("/path/02", methods=["POST"])
def path_02():
    param = request.cookies.get("file", "")
    file_name = f"{BASE_DIR}/{param}"
    fd = open(file_name, "wb")  # expect: python.path-traversal
    fd.close()
    return "done"


@app.route("/path/02-safe", methods=["POST"])
def path_02_safe():
    param = request.cookies.get("file", "")
    if "../" in param:
        return "File name must not contain '../'"
    file_name = f"{BASE_DIR}/{param}"
    fd = open(file_name, "wb")  # ok: python.path-traversal
    fd.close()
    return "done"


@app.route("/path/03")
def path_03():
    param = request.headers.get("X-File", "")
    base = pathlib.Path(BASE_DIR)
    target = base / param
    target.read_text()  # expect: python.path-traversal
    return "done"


@app.route("/path/03-safe")
def path_03_safe():
    param = request.headers.get("X-File", "")
    base = pathlib.Path(BASE_DIR)
    target = (base / param).resolve()
    if not str(target).startswith(str(base)):
        return "Invalid path"
    target.read_text()  # ok: python.path-traversal
    return "done"


@app.route("/path/04", methods=["POST"])
def path_04():
    upload = request.files["doc"]
    upload.save(os.path.join(BASE_DIR, upload.filename))  # expect: python.path-traversal
    os.remove(os.path.join(BASE_DIR, upload.filename))  # expect: python.path-traversal
    return "done"


@app.route("/path/04-safe", methods=["POST"])
def path_04_safe():
    upload = request.files["doc"]
    name = secure_filename(upload.filename)
    os.remove(os.path.join(BASE_DIR, name))  # ok: python.path-traversal
    return "done"


@app.route("/path/05/<name>")
def path_05(name):
    return send_file(BASE_DIR + "/" + name)  # expect: python.path-traversal


@app.route("/path/05-safe/<name>")
def path_05_safe(name):
    full = os.path.realpath(os.path.join(BASE_DIR, name))
    if not full.startswith(BASE_DIR + os.sep):
        return "no", 403
    return send_file(full)  # ok: python.path-traversal


@app.route("/path/06")
def path_06():
    param = request.args.get("name", "")
    holder = []
    holder.append(param)
    holder.append("static.txt")
    bar = holder[0]
    pathlib.Path(BASE_DIR, bar).unlink()  # expect: python.path-traversal
    return "done"


@app.route("/path/06-safe")
def path_06_safe():
    param = request.args.get("name", "")
    holder = []
    holder.append(param)
    holder.append("static.txt")
    bar = holder[1]
    pathlib.Path(BASE_DIR, bar).unlink()  # ok: python.path-traversal
    return "done"
