# ruff: noqa
# fmt: off
"""OS command injection (CWE-78) and code injection (CWE-94/95) in everyday Flask idioms:
os.system/os.popen, subprocess lists vs shell strings, dispatch tables, helpers, blueprints,
eval/exec/compile vs ast.literal_eval. Vulnerable handlers and their safe twins."""
import ast
import json
import os
import re
import shlex
import subprocess

from flask import Blueprint, Flask, jsonify, request

app = Flask(__name__)
tools = Blueprint("tools", __name__)
COMMANDS = {"uptime": ["uptime"], "disk": ["df", "-h"], "memory": ["free", "-m"]}
ARCHIVE_DIR = "/srv/archives"


@app.route("/w2/cmd/ping")
def cmd_ping():
    host = request.args.get("host", "127.0.0.1")
    status = os.system(f"ping -c 1 {host}")  # expect: python.command-injection
    return jsonify(status=status)


@app.route("/w2/cmd/ping-safe")
def cmd_ping_safe():
    host = request.args.get("host", "127.0.0.1")
    status = os.system(f"ping -c 1 {shlex.quote(host)}")  # ok: python.command-injection
    return jsonify(status=status)


@app.route("/w2/cmd/lookup", methods=["POST"])
def cmd_lookup():
    domain = request.form["domain"]
    output = subprocess.check_output("nslookup " + domain, shell=True, text=True)  # expect: python.command-injection
    return jsonify(output=output)


@app.route("/w2/cmd/lookup-safe", methods=["POST"])
def cmd_lookup_safe():
    domain = request.form["domain"]
    output = subprocess.check_output(["nslookup", domain], text=True)  # ok: python.command-injection
    return jsonify(output=output)


@app.route("/w2/cmd/run", methods=["POST"])
def cmd_run():
    data = request.get_json(force=True)
    result = subprocess.run(data["cmd"], shell=True, capture_output=True, text=True)  # expect: python.command-injection
    return jsonify(out=result.stdout)


@app.route("/w2/cmd/run-safe", methods=["POST"])
def cmd_run_safe():
    data = request.get_json(force=True)
    argv = COMMANDS.get(data.get("cmd"), ["true"])
    result = subprocess.run(argv, capture_output=True, text=True)  # ok: python.command-injection
    return jsonify(out=result.stdout)


@app.route("/w2/cmd/popen")
def cmd_popen():
    pattern = request.args.get("q", "")
    with os.popen("grep -r '" + pattern + "' /var/log/app") as pipe:  # expect: python.command-injection
        return jsonify(lines=pipe.read().splitlines())


@app.route("/w2/cmd/popen-safe")
def cmd_popen_safe():
    pattern = request.args.get("q", "")
    proc = subprocess.Popen(["grep", "-r", "--", pattern, "/var/log/app"], stdout=subprocess.PIPE)  # ok: python.command-injection
    out, _ = proc.communicate()
    return jsonify(lines=out.decode().splitlines())


@app.route("/w2/cmd/replace")
def cmd_replace():
    name = request.args.get("dir", "").replace(";", "").replace("&", "")
    listing = subprocess.getoutput("ls -la /srv/" + name)  # expect: python.command-injection
    return jsonify(listing=listing)


@tools.route("/w2/cmd/archive/<path:name>")
def cmd_archive(name):
    cmd = "tar czf /tmp/out.tgz -C {} {}".format(ARCHIVE_DIR, name)
    subprocess.call(cmd, shell=True)  # expect: python.command-injection
    return "archived"


@tools.route("/w2/cmd/archive-safe/<path:name>")
def cmd_archive_safe(name):
    subprocess.call(["tar", "czf", "/tmp/out.tgz", "-C", ARCHIVE_DIR, "--", name])  # ok: python.command-injection
    return "archived"


@tools.route("/w2/cmd/convert", methods=["POST"])
def cmd_convert():
    upload = request.files["image"]
    size = request.form.get("size", "100x100")
    parts = ["convert", upload.filename, "-resize", size, "out.png"]
    command = " ".join(parts)
    os.system(command)  # expect: python.command-injection
    return "converted"


@tools.route("/w2/cmd/convert-safe", methods=["POST"])
def cmd_convert_safe():
    upload = request.files["image"]
    size = request.form.get("size", "100x100")
    parts = ["convert", upload.filename, "-resize", size, "out.png"]
    command = " ".join(shlex.quote(p) for p in parts)
    os.system(command)  # ok: python.command-injection
    return "converted"


def run_git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True).stdout


def run_shell(line):
    return subprocess.run(line, shell=True, capture_output=True, text=True).stdout  # expect: python.subprocess-shell


@app.route("/w2/cmd/git-log")
def cmd_git_log():
    branch = request.args.get("branch", "main")
    return jsonify(log=run_shell("git log --oneline " + branch))  # expect: python.command-injection


@app.route("/w2/cmd/git-log-safe")
def cmd_git_log_safe():
    branch = request.args.get("branch", "main")
    return jsonify(log=run_git("log", "--oneline", branch))  # ok: python.command-injection


@app.route("/w2/cmd/mode")
def cmd_mode():
    target = request.args.get("target", "")
    mode = "fast"
    if mode == "slow":
        cmd = "traceroute " + target
    elif mode == "fast":
        cmd = "ping -c 1 localhost"
    else:
        cmd = "ping " + target
    return jsonify(out=subprocess.getoutput(cmd))  # ok: python.command-injection


@app.route("/w2/cmd/mode-vuln")
def cmd_mode_vuln():
    target = request.args.get("target", "")
    mode = "slow"
    if mode == "slow":
        cmd = "traceroute " + target
    elif mode == "fast":
        cmd = "ping -c 1 localhost"
    else:
        cmd = "ping " + target
    return jsonify(out=subprocess.getoutput(cmd))  # expect: python.command-injection


@app.route("/w2/cmd/env-cookie")
def cmd_env_cookie():
    lang = request.cookies.get("lang", "en")
    os.system("LANG=" + lang + " /usr/bin/report")  # expect: python.command-injection
    return "ok"


@app.route("/w2/cmd/env-cookie-safe")
def cmd_env_cookie_safe():
    lang = request.cookies.get("lang", "en")
    env = dict(os.environ, LANG=lang)
    subprocess.run(["/usr/bin/report"], env=env)  # ok: python.command-injection
    return "ok"


# ---------------------------------------------------------------- code injection

@app.route("/w2/code/calc")
def code_calc():
    expression = request.args.get("expr", "0")
    return jsonify(result=eval(expression))  # expect: python.code-injection


@app.route("/w2/code/calc-safe")
def code_calc_safe():
    expression = request.args.get("expr", "0")
    return jsonify(result=ast.literal_eval(expression))  # ok: python.code-injection


@app.route("/w2/code/sum")
def code_sum():
    a = request.args.get("a", "0")
    b = request.args.get("b", "0")
    return jsonify(result=eval(f"{a} + {b}"))  # expect: python.code-injection


@app.route("/w2/code/sum-safe")
def code_sum_safe():
    a = request.args.get("a", 0, type=int)
    b = int(request.args.get("b", "0"))
    return jsonify(result=eval(f"{a} + {b}"))  # ok: python.code-injection


@app.route("/w2/code/plugin", methods=["POST"])
def code_plugin():
    source = request.data.decode("utf-8")
    namespace = {}
    exec(compile(source, "<plugin>", "exec"), namespace)  # expect: python.code-injection
    return jsonify(sorted(namespace))


@app.route("/w2/code/plugin-safe", methods=["POST"])
def code_plugin_safe():
    config = json.loads(request.data)
    namespace = {}
    exec(compile("result = 40 + 2", "<builtin>", "exec"), namespace)  # ok: python.code-injection
    return jsonify(result=namespace["result"], keys=sorted(config))


@app.route("/w2/code/filter")
def code_filter():
    cond = request.args.get("where", "True")
    rows = [{"price": 3}, {"price": 12}]
    selected = [r for r in rows if eval(cond, {}, r)]  # expect: python.code-injection
    return jsonify(selected)


@app.route("/w2/code/filter-safe")
def code_filter_safe():
    limit = request.args.get("max", "10")
    rows = [{"price": 3}, {"price": 12}]
    cond = "price < 10" if 3 * 3 == 9 else limit
    selected = [r for r in rows if eval(cond, {}, r)]  # ok: python.code-injection
    return jsonify(selected)


class Formula:
    def __init__(self, text):
        self.text = text

    def evaluate(self, variables):
        return eval(self.text, {"__builtins__": {}}, variables)


@app.route("/w2/code/formula", methods=["POST"])
def code_formula():
    formula = Formula(request.form["formula"])
    return jsonify(value=formula.evaluate({"x": 2}))  # expect: python.code-injection


@app.route("/w2/code/exec-header")
def code_exec_header():
    hook = request.headers.get("X-Hook", "")
    exec("def hook():\n    return " + hook)  # expect: python.code-injection
    return "installed"


@app.route("/w2/code/exec-header-safe")
def code_exec_header_safe():
    hook = request.headers.get("X-Hook", "")
    if hook not in ("'ping'", "'pong'"):
        return "unknown hook", 400
    exec("def hook():\n    return " + hook)  # ok: python.code-injection
    return "installed"


@app.route("/w2/code/ssti")
def code_ssti():
    from flask import render_template_string
    page = request.args.get("page", "Hello")
    return render_template_string(page)  # expect: python.code-injection, python.xss


@app.route("/w2/code/ssti-env")
def code_ssti_env():
    import jinja2
    env = jinja2.Environment(autoescape=True)
    tpl = env.from_string(request.form.get("tpl", ""))  # expect: python.code-injection
    return tpl.render(user="guest")


@app.route("/w2/code/ssti-safe")
def code_ssti_safe():
    import jinja2
    env = jinja2.Environment(autoescape=True)
    tpl = env.from_string("Hello {{ user }}")  # ok: python.code-injection
    return tpl.render(user=request.form.get("user", ""))  # ok: python.xss


def host_ok(h):
    return re.fullmatch(r"[a-z0-9.-]+", h) is not None


@app.route("/w2/cmd/custom-check")
def cmd_custom_check():
    host = request.args.get("host", "")
    if not host_ok(host):
        return "bad host", 400
    return jsonify(out=subprocess.getoutput("ping -c 1 " + host))  # ok: python.command-injection


@app.route("/w2/cmd/custom-check-vuln")
def cmd_custom_check_vuln():
    host = request.args.get("host", "")
    if host_ok(host):
        return "use the fast path", 400
    return jsonify(out=subprocess.getoutput("ping -c 1 " + host))  # expect: python.command-injection


@app.route("/w2/cmd/execl")
def cmd_execl():
    line = request.args.get("line", "")
    if os.fork() == 0:
        os.execl("/bin/sh", "sh", "-c", line)  # expect: python.command-injection
    return "started"


@app.route("/w2/cmd/execl-safe")
def cmd_execl_safe():
    name = request.args.get("name", "")
    if os.fork() == 0:
        os.execl("/bin/sh", "sh", "-c", 'echo "$1"', "sh", name)  # ok: python.command-injection
    return "started"
