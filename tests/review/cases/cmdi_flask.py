# ruff: noqa
# fmt: off
"""OS command injection (CWE-78): vulnerable handlers and their safe twins."""
import base64
import os
import shlex
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/cmdi/01", methods=["POST"])
def cmdi_01():
    param = request.form.get("host", "")
    os.system("ping -c 1 " + param)  # expect: python.command-injection
    return "done"


@app.route("/cmdi/01-safe", methods=["POST"])
def cmdi_01_safe():
    param = request.form.get("host", "")
    os.system("ping -c 1 " + shlex.quote(param))  # ok: python.command-injection
    return "done"


@app.route("/cmdi/02")
def cmdi_02():
    param = request.args.get("file", "")
    subprocess.run(f"cat {param}", shell=True)  # expect: python.command-injection
    return "done"


@app.route("/cmdi/02-safe")
def cmdi_02_safe():
    param = request.args.get("file", "")
    subprocess.run(["cat", param])  # ok: python.command-injection
    return "done"


@app.route("/cmdi/03")
def cmdi_03():
    param = request.headers.get("X-Name", "")
    arg_list = []
    if "Windows" in os.name:
        arg_list.append("cmd.exe")
        arg_list.append("/c")
    else:
        arg_list.append("sh")
        arg_list.append("-c")
    arg_list.append(f"echo {param}")
    subprocess.run(arg_list, capture_output=True)  # expect: python.command-injection
    return "done"


@app.route("/cmdi/03-safe")
def cmdi_03_safe():
    param = request.headers.get("X-Name", "")
    arg_list = ["echo"]
    arg_list.append(param)
    subprocess.run(arg_list, capture_output=True)  # ok: python.command-injection
    return "done"


@app.route("/cmdi/04")
def cmdi_04():
    param = request.cookies.get("name", "")
    tmp = base64.b64encode(param.encode("utf-8"))
    bar = base64.b64decode(tmp).decode("utf-8")
    os.popen("echo " + bar)  # expect: python.command-injection
    return "done"


@app.route("/cmdi/04-safe")
def cmdi_04_safe():
    param = request.cookies.get("name", "")
    config = {}
    config["keyA"] = "a_value"
    config["keyB"] = param
    bar = config["keyA"]
    os.popen("echo " + bar)  # ok: python.command-injection
    return "done"


@app.route("/cmdi/05")
def cmdi_05():
    param = request.values.get("dir", "")
    command = "ls " + param
    subprocess.check_output(command, shell=True)  # expect: python.command-injection
    return "done"


@app.route("/cmdi/05-safe")
def cmdi_05_safe():
    param = request.values.get("dir", "")
    allowed = {"tmp", "var", "home"}
    if param not in allowed:
        return "no", 400
    command = "ls " + param
    subprocess.check_output(command, shell=True)  # ok: python.command-injection, python.subprocess-shell
    return "done"


@app.route("/cmdi/06")
def cmdi_06():
    param = request.args.get("prog", "")
    subprocess.Popen([param, "--version"])  # expect: python.command-injection
    return "done"


@app.route("/cmdi/06-safe")
def cmdi_06_safe():
    param = request.args.get("prog", "")
    test_param = "This should never happen"
    if "should" not in test_param:
        bar = param
    else:
        bar = "git"
    subprocess.Popen([bar, "--version"])  # ok: python.command-injection
    return "done"
