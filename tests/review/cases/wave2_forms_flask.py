# ruff: noqa
# fmt: off
"""Flask-WTF forms: field data is request data, whatever class holds it."""
import sqlite3

from flask import Flask, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, PasswordField
from wtforms.validators import DataRequired, Regexp

app = Flask(__name__)


class SearchForm(FlaskForm):
    term = StringField("term", validators=[DataRequired()])


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


@app.route("/wtf/search", methods=["GET", "POST"])
def wtf_search():
    form = SearchForm()
    rows = []
    if form.validate_on_submit():
        conn = sqlite3.connect("app.db")
        rows = conn.execute(f"SELECT * FROM items WHERE name LIKE '%{form.term.data}%'").fetchall()  # expect: python.sql-injection
    return render_template("search.html", form=form, rows=rows)  # ok: python.xss


@app.route("/wtf/search-safe", methods=["GET", "POST"])
def wtf_search_safe():
    form = SearchForm()
    rows = []
    if form.validate_on_submit():
        conn = sqlite3.connect("app.db")
        rows = conn.execute("SELECT * FROM items WHERE name LIKE ?", (f"%{form.term.data}%",)).fetchall()  # ok: python.sql-injection
    return render_template("search.html", form=form, rows=rows)


@app.route("/wtf/greet", methods=["POST"])
def wtf_greet():
    form = LoginForm()
    return f"<p>Hello {form.username.data}</p>"  # expect: python.xss


@app.route("/wtf/login", methods=["POST"])
def wtf_login():
    form = LoginForm()
    if form.validate_on_submit():
        session["user"] = form.username.data  # expect: python.trust-boundary
        return redirect(url_for("wtf_search"))  # ok: python.open-redirect
    return render_template("login.html", form=form)
