# ruff: noqa
# fmt: off
"""Path traversal (CWE-22) in other people's Flask idioms: send_file vs send_from_directory,
normpath with and without a containment check, pathlib resolve().is_relative_to(), uploads,
path converters, blueprints, helpers, partial `.replace` filters. Vulnerable and safe twins."""
import os
import shutil
from pathlib import Path

from flask import Blueprint, Flask, abort, jsonify, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
files = Blueprint("files", __name__, url_prefix="/files")
UPLOAD_DIR = "/srv/uploads"
BASE = Path("/srv/docs").resolve()


@app.route("/w2/path/download/<path:filename>")
def path_download(filename):
    return send_file(os.path.join(UPLOAD_DIR, filename))  # expect: python.path-traversal


@app.route("/w2/path/download-safe/<path:filename>")
def path_download_safe(filename):
    return send_from_directory(UPLOAD_DIR, filename)  # ok: python.path-traversal


@app.route("/w2/path/read")
def path_read():
    name = request.args.get("file", "")
    path = os.path.normpath(os.path.join(UPLOAD_DIR, name))
    with open(path) as fh:  # expect: python.path-traversal
        return jsonify(content=fh.read())


@app.route("/w2/path/read-safe")
def path_read_safe():
    name = request.args.get("file", "")
    path = os.path.normpath(os.path.join(UPLOAD_DIR, name))
    if not path.startswith(UPLOAD_DIR + os.sep):
        abort(403)
    with open(path) as fh:  # ok: python.path-traversal
        return jsonify(content=fh.read())


@app.route("/w2/path/doc")
def path_doc():
    name = request.args.get("doc", "")
    target = (BASE / name).resolve()
    return jsonify(text=target.read_text())  # expect: python.path-traversal


@app.route("/w2/path/doc-safe")
def path_doc_safe():
    name = request.args.get("doc", "")
    target = (BASE / name).resolve()
    if not target.is_relative_to(BASE):
        abort(404)
    return jsonify(text=target.read_text())  # ok: python.path-traversal


@app.route("/w2/path/commonpath")
def path_commonpath():
    name = request.values.get("name", "")
    full = os.path.realpath(os.path.join(UPLOAD_DIR, name))
    if os.path.commonpath([UPLOAD_DIR, full]) != UPLOAD_DIR:
        return "forbidden", 403
    return send_file(full)  # ok: python.path-traversal


@app.route("/w2/path/upload", methods=["POST"])
def path_upload():
    upload = request.files["file"]
    upload.save(os.path.join(UPLOAD_DIR, upload.filename))  # expect: python.path-traversal
    return "saved"


@app.route("/w2/path/upload-safe", methods=["POST"])
def path_upload_safe():
    upload = request.files["file"]
    upload.save(os.path.join(UPLOAD_DIR, secure_filename(upload.filename)))  # ok: python.path-traversal
    return "saved"


@app.route("/w2/path/strip")
def path_strip():
    name = request.args.get("name", "").replace("../", "")
    return send_file(UPLOAD_DIR + "/" + name)  # expect: python.path-traversal


@app.route("/w2/path/basename")
def path_basename():
    name = os.path.basename(request.args.get("name", ""))
    return send_file(UPLOAD_DIR + "/" + name)  # ok: python.path-traversal


@files.route("/delete", methods=["POST"])
def files_delete():
    payload = request.get_json()
    os.remove(os.path.join(UPLOAD_DIR, payload["name"]))  # expect: python.path-traversal
    return "", 204


@files.route("/delete-safe", methods=["POST"])
def files_delete_safe():
    payload = request.get_json()
    name = payload["name"]
    if "/" in name or "\\" in name or name.startswith("."):
        abort(400)
    os.remove(os.path.join(UPLOAD_DIR, name))  # ok: python.path-traversal
    return "", 204


@files.route("/copy/<src>/<dst>")
def files_copy(src, dst):
    shutil.copy(os.path.join(UPLOAD_DIR, src), os.path.join("/srv/backup", dst))  # expect: python.path-traversal
    return "copied"


@files.route("/copy-safe/<src>")
def files_copy_safe(src):
    safe = secure_filename(src)
    shutil.copy(os.path.join(UPLOAD_DIR, safe), "/srv/backup/latest")  # ok: python.path-traversal
    return "copied"


def read_report(name):
    with open(f"/srv/reports/{name}.txt") as fh:
        return fh.read()


@files.route("/report")
def files_report():
    return jsonify(text=read_report(request.args["name"]))  # expect: python.path-traversal


@files.route("/report-safe")
def files_report_safe():
    return jsonify(text=read_report(secure_filename(request.args["name"])))  # ok: python.path-traversal


@files.route("/avatar")
def files_avatar():
    user = request.cookies.get("user", "anon")
    avatar = Path(UPLOAD_DIR) / "avatars" / f"{user}.png"
    return send_file(avatar)  # expect: python.path-traversal


@files.route("/avatar-safe")
def files_avatar_safe():
    user = request.cookies.get("user", "anon")
    if not user.isalnum():
        abort(400)
    avatar = Path(UPLOAD_DIR) / "avatars" / f"{user}.png"
    return send_file(avatar)  # ok: python.path-traversal


@files.route("/list")
def files_list():
    folder = request.args.get("folder", "")
    return jsonify(sorted(os.listdir(os.path.join(UPLOAD_DIR, folder))))  # expect: python.path-traversal


@files.route("/list-safe")
def files_list_safe():
    folder = request.args.get("folder", "")
    folders = {"images": "images", "docs": "docs"}
    chosen = folders.get(folder, "docs")
    return jsonify(sorted(os.listdir(os.path.join(UPLOAD_DIR, chosen))))  # ok: python.path-traversal


@files.route("/loop")
def files_loop():
    names = request.args.getlist("name")
    sizes = {}
    for n in names:
        sizes[n] = os.path.getsize(os.path.join(UPLOAD_DIR, n))  # expect: python.path-traversal
    return jsonify(sizes)


@files.route("/loop-safe")
def files_loop_safe():
    names = request.args.getlist("name")
    sizes = {}
    for n in names:
        clean = secure_filename(n)
        sizes[clean] = os.path.getsize(os.path.join(UPLOAD_DIR, clean))  # ok: python.path-traversal
    return jsonify(sizes)


@files.route("/view-args/<name>")
def files_view_args(name):
    doc = request.view_args["name"]
    return send_file(os.path.join(UPLOAD_DIR, doc))  # expect: python.path-traversal


@files.route("/fold")
def files_fold():
    name = request.args.get("name", "")
    choice = "readme.txt"
    if len("abc") == 4:
        choice = name
    return send_file(os.path.join(UPLOAD_DIR, choice))  # ok: python.path-traversal


@files.route("/dirname")
def files_dirname():
    name = request.args.get("name", "")
    full = os.path.abspath(os.path.join(UPLOAD_DIR, name))
    if os.path.dirname(full) != UPLOAD_DIR:
        abort(403)
    return send_file(full)  # ok: python.path-traversal


@files.route("/dirname-vuln")
def files_dirname_vuln():
    name = request.args.get("name", "")
    full = os.path.abspath(os.path.join(UPLOAD_DIR, name))
    if os.path.dirname(full) == UPLOAD_DIR:
        abort(403)
    return send_file(full)  # expect: python.path-traversal
