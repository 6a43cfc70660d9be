# ruff: noqa
# fmt: off
"""A small notes application written the way tutorials write them: a module-level connection,
Flask-SQLAlchemy 3 statements, uploads, error pages, login and an admin page. Vulnerable
lines and their safe twins."""
import os
import sqlite3

from flask import Flask, flash, redirect, render_template, request, send_from_directory, session, url_for
from flask_sqlalchemy import SQLAlchemy
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.config["UPLOAD_FOLDER"] = "/srv/notes/uploads"
app.secret_key = os.environ["SECRET_KEY"]
db = SQLAlchemy(app)
conn = sqlite3.connect("notes.db", check_same_thread=False)
cursor = conn.cursor()
ADMIN_USER = "admin"


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(80))
    body = db.Column(db.Text)


@app.errorhandler(404)
def not_found(error):
    return f"<h1>Not found</h1><p>{request.path} does not exist</p>", 404  # expect: python.xss


@app.errorhandler(500)
def server_error(error):
    return render_template("500.html", path=request.path), 500  # ok: python.xss


@app.route("/notes/search")
def notes_search():
    q = request.args.get("q", "")
    cursor.execute("SELECT id, body FROM notes WHERE body LIKE '%" + q + "%'")  # expect: python.sql-injection
    return render_template("notes.html", notes=cursor.fetchall(), q=q)


@app.route("/notes/search-safe")
def notes_search_safe():
    q = request.args.get("q", "")
    cursor.execute("SELECT id, body FROM notes WHERE body LIKE ?", ("%" + q + "%",))  # ok: python.sql-injection
    return render_template("notes.html", notes=cursor.fetchall(), q=q)


@app.route("/notes/mine")
def notes_mine():
    owner = request.args.get("owner", "")
    notes = db.session.execute(db.select(Note).filter_by(owner=owner)).scalars().all()  # ok: python.sql-injection
    return render_template("notes.html", notes=notes)


@app.route("/notes/mine-raw")
def notes_mine_raw():
    owner = request.args.get("owner", "")
    notes = db.session.execute(db.text("SELECT * FROM note WHERE owner = '" + owner + "'")).all()  # expect: python.sql-injection
    return render_template("notes.html", notes=notes)


@app.route("/notes/<int:note_id>")
def notes_show(note_id):
    note = db.get_or_404(Note, note_id)
    return f"<article>{note.body}</article>"  # ok: python.xss


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        if username == ADMIN_USER and password == os.environ.get("ADMIN_PASSWORD"):
            session["user"] = username  # ok: python.trust-boundary
            return redirect(request.args.get("next") or url_for("notes_search"))  # expect: python.open-redirect
        flash("Invalid credentials")
    return render_template("login.html")


@app.route("/login-remember", methods=["POST"])
def login_remember():
    session["remember"] = request.form.get("remember") == "on"  # ok: python.trust-boundary
    session["display_name"] = request.form.get("display_name", "")  # expect: python.trust-boundary
    return redirect(url_for("notes_search"))  # ok: python.open-redirect


@app.route("/upload", methods=["POST"])
def upload():
    file = request.files.get("file")
    if file is None or file.filename == "":
        return redirect(request.url)  # ok: python.open-redirect
    filename = secure_filename(file.filename)
    file.save(os.path.join(app.config["UPLOAD_FOLDER"], filename))  # ok: python.path-traversal
    return redirect(url_for("uploaded", name=filename))


@app.route("/upload-raw", methods=["POST"])
def upload_raw():
    file = request.files.get("file")
    file.save(app.config["UPLOAD_FOLDER"] + "/" + file.filename)  # expect: python.path-traversal
    return "saved"


@app.route("/uploads/<name>")
def uploaded(name):
    return send_from_directory(app.config["UPLOAD_FOLDER"], name)  # ok: python.path-traversal


@app.route("/shared")
def shared():
    folder = request.args.get("folder", "public")
    return send_from_directory(os.path.join("/srv/notes", folder), "index.html")  # expect: python.path-traversal


@app.route("/admin/export")
def admin_export():
    if session.get("user") != ADMIN_USER:
        return redirect(url_for("login"))
    fmt = request.args.get("format", "csv")
    os.system(f"/usr/local/bin/export-notes --format {fmt} > /tmp/notes.{fmt}")  # expect: python.command-injection
    return send_from_directory("/tmp", "notes." + secure_filename(fmt))  # ok: python.path-traversal


@app.route("/admin/export-safe")
def admin_export_safe():
    if session.get("user") != ADMIN_USER:
        return redirect(url_for("login"))
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "json"):
        fmt = "csv"
    os.system(f"/usr/local/bin/export-notes --format {fmt} > /tmp/notes.{fmt}")  # ok: python.command-injection
    return send_from_directory("/tmp", "notes." + fmt)  # ok: python.path-traversal
