# ruff: noqa
# fmt: off
"""Cross-site scripting (CWE-79): vulnerable handlers and their safe twins."""
import html

from flask import Flask, Response, make_response, render_template, render_template_string, request
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/xss/01")
def xss_01():
    param = request.args.get("q", "")
    return f"<p>You searched for {param}</p>"  # expect: python.xss


@app.route("/xss/01-safe")
def xss_01_safe():
    param = request.args.get("q", "")
    return f"<p>You searched for {escape(param)}</p>"  # ok: python.xss


@app.route("/xss/02", methods=["POST"])
def xss_02():
    response = ""
    param = request.form.get("name", "")
    other = "static text"
    response += "bar is '{0}' and otherarg is '{1}'".format(param, other)
    return response  # expect: python.xss


@app.route("/xss/02-safe", methods=["POST"])
def xss_02_safe():
    response = ""
    param = request.form.get("name", "")
    other = "static text"
    response += "bar is '{0}' and otherarg is '{1}'".format(html.escape(param), other)
    return response  # ok: python.xss


@app.route("/xss/03")
def xss_03():
    param = request.args.get("name", "")
    return render_template_string("<h1>Hello " + param + "</h1>")  # expect: python.xss, python.code-injection


@app.route("/xss/03-safe")
def xss_03_safe():
    param = request.args.get("name", "")
    return render_template_string("<h1>Hello {{ name }}</h1>", name=param)  # ok: python.xss


@app.route("/xss/04")
def xss_04():
    param = request.cookies.get("theme", "")
    return Markup("<div class='%s'>x</div>" % param)  # expect: python.xss


@app.route("/xss/04-safe")
def xss_04_safe():
    param = request.cookies.get("theme", "")
    return render_template("page.html", theme=param)  # ok: python.xss


@app.route("/xss/05")
def xss_05():
    param = request.headers.get("Referer", "")
    bar = ""
    if param:
        bar = param.split(" ")[0]
    values = {"bar": bar, "other": "this is it"}
    resp = make_response("bar is '{0[bar]}' and otherarg is '{0[other]}'".format(values))
    return resp  # expect: python.xss


@app.route("/xss/05-safe")
def xss_05_safe():
    param = request.headers.get("Referer", "")
    resp = make_response(f"referer: {param}")
    resp.headers["Content-Type"] = "text/plain"
    return resp  # ok: python.xss


@app.route("/xss/06")
def xss_06():
    param = request.args.get("v", "")
    num = 86
    if 7 * 42 - num > 200:
        bar = "This_should_always_happen"
    else:
        bar = param
    return Response("<b>" + bar + "</b>")  # ok: python.xss


@app.route("/xss/06-vuln")
def xss_06_vuln():
    param = request.args.get("v", "")
    num = 86
    if 7 * 42 - num > 200:
        bar = param
    else:
        bar = "This_should_never_happen"
    return Response("<b>" + bar + "</b>")  # expect: python.xss


@app.route("/xss/07")
def xss_07():
    param = request.args.get("v", "")
    return Response(param, mimetype="text/plain")  # ok: python.xss


@app.route("/xss/08/<name>")
def xss_08(name):
    return "<h1>" + name + "</h1>"  # expect: python.xss
