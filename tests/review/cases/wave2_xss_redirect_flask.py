# ruff: noqa
# fmt: off
"""Cross-site scripting (CWE-79) and open redirect (CWE-601) the way other people write Flask:
make_response/Response bodies, Markup, render_template_string, loops building HTML, headers,
class-based views, redirects with allowlists and urlparse checks. Vulnerable and safe twins."""
import html
from urllib.parse import urlparse

from flask import Blueprint, Flask, Response, abort, jsonify, make_response, redirect, render_template, render_template_string, request, url_for
from flask.views import MethodView
from markupsafe import Markup, escape

app = Flask(__name__)
pages = Blueprint("pages", __name__)
ALLOWED_REDIRECTS = {"/dashboard", "/profile", "/settings"}
TRUSTED_HOSTS = {"example.com", "www.example.com"}


@app.route("/w2/xss/greet")
def xss_greet():
    name = request.args.get("name", "stranger")
    return make_response(f"<h1>Hello, {name}!</h1>")  # expect: python.xss


@app.route("/w2/xss/greet-safe")
def xss_greet_safe():
    name = request.args.get("name", "stranger")
    return make_response(f"<h1>Hello, {escape(name)}!</h1>")  # ok: python.xss


@app.route("/w2/xss/search")
def xss_search():
    q = request.values.get("q", "")
    body = "<p>No results for <b>" + q + "</b></p>"
    return Response(body, mimetype="text/html")  # expect: python.xss


@app.route("/w2/xss/search-safe")
def xss_search_safe():
    q = request.values.get("q", "")
    return render_template("search.html", q=q, results=[])  # ok: python.xss


@app.route("/w2/xss/tags")
def xss_tags():
    tags = request.args.getlist("tag")
    items = ""
    for tag in tags:
        items += "<li>%s</li>" % tag
    return "<ul>" + items + "</ul>"  # expect: python.xss


@app.route("/w2/xss/tags-safe")
def xss_tags_safe():
    tags = request.args.getlist("tag")
    items = ""
    for tag in tags:
        items += "<li>%s</li>" % html.escape(tag)
    return "<ul>" + items + "</ul>"  # ok: python.xss


@app.route("/w2/xss/join")
def xss_join():
    words = request.args.get("words", "").split(",")
    return "<div>" + "".join(f"<span>{w}</span>" for w in words) + "</div>"  # expect: python.xss


@app.route("/w2/xss/join-safe")
def xss_join_safe():
    words = request.args.get("words", "").split(",")
    return "<div>" + "".join(f"<span>{escape(w)}</span>" for w in words) + "</div>"  # ok: python.xss


@app.route("/w2/xss/template-string")
def xss_template_string():
    title = request.args.get("title", "Home")
    template = "<html><head><title>" + title + "</title></head><body>{{ body }}</body></html>"
    return render_template_string(template, body="Welcome")  # expect: python.xss, python.code-injection


@app.route("/w2/xss/template-string-safe")
def xss_template_string_safe():
    title = request.args.get("title", "Home")
    template = "<html><head><title>{{ title }}</title></head><body>{{ body }}</body></html>"
    return render_template_string(template, title=title, body="Welcome")  # ok: python.xss


@app.route("/w2/xss/markup")
def xss_markup():
    bio = request.form.get("bio", "")
    return render_template("profile.html", bio=Markup(f"<p>{bio}</p>"))  # expect: python.xss


@app.route("/w2/xss/markup-safe")
def xss_markup_safe():
    bio = request.form.get("bio", "")
    return render_template("profile.html", bio=Markup("<p>{}</p>").format(bio))  # ok: python.xss


@app.route("/w2/xss/agent")
def xss_agent():
    agent = request.headers.get("User-Agent", "")
    return f"<footer>Your browser: {agent}</footer>"  # expect: python.xss


@app.route("/w2/xss/agent-safe")
def xss_agent_safe():
    agent = request.headers.get("User-Agent", "")
    return jsonify(browser=agent)  # ok: python.xss


@app.route("/w2/xss/cookie")
def xss_cookie():
    theme = request.cookies.get("theme", "light")
    resp = make_response("<body class='" + theme + "'>hi</body>")
    return resp  # expect: python.xss


@app.route("/w2/xss/cookie-safe")
def xss_cookie_safe():
    theme = request.cookies.get("theme", "light")
    if theme not in ("light", "dark"):
        theme = "light"
    resp = make_response("<body class='" + theme + "'>hi</body>")
    return resp  # ok: python.xss


@app.route("/w2/xss/error/<username>")
def xss_error(username):
    return f"<p>User {username} not found</p>", 404  # expect: python.xss


@app.route("/w2/xss/error-safe/<username>")
def xss_error_safe(username):
    return f"<p>User {escape(username)} not found</p>", 404  # ok: python.xss


@app.route("/w2/xss/plain")
def xss_plain():
    note = request.args.get("note", "")
    return Response("Note saved: " + note, mimetype="text/plain")  # ok: python.xss


@app.route("/w2/xss/upload", methods=["POST"])
def xss_upload():
    upload = request.files["file"]
    return "<p>Uploaded " + upload.filename + "</p>"  # expect: python.xss


@app.route("/w2/xss/upload-safe", methods=["POST"])
def xss_upload_safe():
    upload = request.files["file"]
    return "<p>Uploaded " + html.escape(upload.filename) + "</p>"  # ok: python.xss


def render_comment(author, text):
    return "<div class='comment'><b>" + author + "</b>: " + text + "</div>"


@app.route("/w2/xss/comment", methods=["POST"])
def xss_comment():
    data = request.get_json()
    return render_comment(data["author"], data["text"])  # expect: python.xss


@app.route("/w2/xss/comment-safe", methods=["POST"])
def xss_comment_safe():
    data = request.get_json()
    return render_comment(escape(data["author"]), escape(data["text"]))  # ok: python.xss


class GreetingView(MethodView):
    def get(self, name):
        return "<h2>Welcome back, " + name + "</h2>"  # expect: python.xss

    def post(self, name):
        return render_template("greeting.html", name=name)  # ok: python.xss


app.add_url_rule("/w2/xss/greeting/<name>", view_func=GreetingView.as_view("greeting"))


@pages.route("/w2/xss/fold")
def xss_fold():
    param = request.args.get("msg", "")
    if 10 * 10 > 50:
        msg = "static message"
    else:
        msg = param
    return "<p>" + msg + "</p>"  # ok: python.xss


@pages.route("/w2/xss/fold-vuln")
def xss_fold_vuln():
    param = request.args.get("msg", "")
    if 10 * 10 < 50:
        msg = "static message"
    else:
        msg = param
    return "<p>" + msg + "</p>"  # expect: python.xss


# ---------------------------------------------------------------- open redirect

@app.route("/w2/redirect/login")
def redirect_login():
    next_url = request.args.get("next") or url_for("index")
    return redirect(next_url)  # expect: python.open-redirect


@app.route("/w2/redirect/login-safe")
def redirect_login_safe():
    next_url = request.args.get("next", "/dashboard")
    if next_url not in ALLOWED_REDIRECTS:
        next_url = url_for("index")
    return redirect(next_url)  # ok: python.open-redirect


@app.route("/w2/redirect/form", methods=["POST"])
def redirect_form():
    return_to = request.form["return_to"]
    return redirect(return_to, code=303)  # expect: python.open-redirect


@app.route("/w2/redirect/form-safe", methods=["POST"])
def redirect_form_safe():
    return_to = request.form["return_to"]
    parsed = urlparse(return_to)
    if parsed.netloc and parsed.netloc not in TRUSTED_HOSTS:
        abort(400)
    return redirect(return_to, code=303)  # ok: python.open-redirect


@app.route("/w2/redirect/netloc")
def redirect_netloc():
    target = request.values.get("url", "/")
    host = urlparse(target).netloc
    return redirect(target)  # expect: python.open-redirect


@app.route("/w2/redirect/netloc-safe")
def redirect_netloc_safe():
    target = request.values.get("url", "/")
    if urlparse(target).netloc != "":
        return redirect(url_for("index"))
    return redirect(target)  # ok: python.open-redirect


@app.route("/w2/redirect/search")
def redirect_search():
    q = request.args.get("q", "")
    return redirect("/search?q=" + q)  # ok: python.open-redirect


@app.route("/w2/redirect/profile/<username>")
def redirect_profile(username):
    return redirect(url_for("profile", username=username))  # ok: python.open-redirect


@app.route("/w2/redirect/header")
def redirect_header():
    dest = request.headers.get("Referer", "/")
    resp = make_response("", 302)
    resp.headers["Location"] = dest  # expect: python.open-redirect
    return resp


@app.route("/w2/redirect/json", methods=["POST"])
def redirect_json():
    dest = request.get_json().get("redirect")
    return redirect(dest)  # expect: python.open-redirect


@app.route("/w2/redirect/json-safe", methods=["POST"])
def redirect_json_safe():
    dest = request.get_json().get("redirect", "/")
    if not dest.startswith("/") or dest.startswith("//"):
        dest = "/"
    return redirect(dest)  # ok: python.open-redirect


@app.route("/w2/redirect/scheme")
def redirect_scheme():
    site = request.args.get("site", "")
    return redirect("https://" + site + "/welcome")  # expect: python.open-redirect


@app.route("/w2/xss/replace-script")
def xss_replace_script():
    comment = request.form.get("comment", "")
    cleaned = comment.replace("<script>", "").replace("</script>", "")
    return "<div class='comment'>" + cleaned + "</div>"  # expect: python.xss


@app.route("/w2/xss/replace-entities")
def xss_replace_entities():
    comment = request.form.get("comment", "")
    cleaned = comment.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<div class='comment'>" + cleaned + "</div>"  # ok: python.xss


def show_tag(tag):
    return "<h3>Posts tagged " + tag + "</h3>"  # expect: python.xss


def show_tag_safe(tag):
    return "<h3>Posts tagged " + escape(tag) + "</h3>"  # ok: python.xss


def echo_query():
    return "<p>" + request.args.get("q", "") + "</p>"  # expect: python.xss


app.add_url_rule("/w2/xss/tag/<tag>", view_func=show_tag)
app.add_url_rule("/w2/xss/tag-safe/<tag>", "tag_safe", show_tag_safe)
app.add_url_rule("/w2/xss/echo", "echo", echo_query)
