"""Sink tables: the functions and methods that are sinks, by kind (names fully qualified)."""

from __future__ import annotations

__all__ = [
    "CODE_FUNCS",
    "DESER",
    "LDAP_METHODS",
    "LXML_PARSE",
    "PATH_FUNCS",
    "PATH_METHODS",
    "PATH_QUERIES",
    "REDIRECTS",
    "SHELLS",
    "SHELL_FUNCS",
    "SQL_FUNCS",
    "SQL_METHODS",
    "STD_PARSE",
    "SUBPROCESS",
    "TEMPLATE_FUNCS",
    "XPATH_METHODS",
    "XSS_FUNCS",
]

SQL_METHODS = frozenset({"execute", "executemany", "executescript", "raw", "mogrify", "exec_driver_sql"})
SQL_FUNCS = frozenset({"sqlalchemy.text", "pandas.read_sql", "pandas.read_sql_query", "sqlalchemy.sql.text"})
SHELL_FUNCS = frozenset(
    {
        "os.system",
        "os.popen",
        "os.popen2",
        "os.popen3",
        "os.popen4",
        "commands.getoutput",
        "commands.getstatusoutput",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
    }
)
SUBPROCESS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "asyncio.create_subprocess_exec",
    }
)
SHELLS = frozenset({"sh", "bash", "zsh", "/bin/sh", "/bin/bash", "cmd", "cmd.exe", "powershell", "pwsh"})
CODE_FUNCS = frozenset({"eval", "exec", "compile", "builtins.eval", "builtins.exec"})
PATH_FUNCS = frozenset(
    {
        "open",
        "os.path.exists",
        "os.path.isfile",
        "os.path.isdir",
        "os.path.getsize",
        "os.path.getmtime",
        "os.path.getatime",
        "os.path.getctime",
        "os.path.islink",
        "os.path.lexists",
        "os.stat",
        "os.lstat",
        "os.access",
        "os.walk",
        "glob.glob",
        "io.open",
        "codecs.open",
        "os.open",
        "os.remove",
        "os.unlink",
        "os.rmdir",
        "os.mkdir",
        "os.makedirs",
        "os.rename",
        "os.replace",
        "os.listdir",
        "os.scandir",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.removedirs",
        "shutil.copy",
        "shutil.copyfile",
        "shutil.copy2",
        "shutil.copytree",
        "shutil.move",
        "shutil.rmtree",
        "flask.send_file",
        "send_file",
        "fileinput.input",
        "aiofiles.open",
        "tarfile.open",
        "zipfile.ZipFile",
    }
)
PATH_METHODS = frozenset(
    {
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "open",
        "unlink",
        "rmdir",
        "mkdir",
        "touch",
        "rename",
        "replace",
        "iterdir",
        "rmtree",
        "symlink_to",
        "hardlink_to",
        "chmod",
    }
)
# Methods of `pathlib.Path` that only look at the file: a probe of the file system all the
# same (`(base / name).exists()` tells which files exist). Other objects share these names
# (Django's `QuerySet.exists()`), so they count only where pathlib is imported.
PATH_QUERIES = frozenset({"exists", "is_file", "is_dir", "stat", "lstat", "is_symlink", "owner", "glob"})
XSS_FUNCS = frozenset(
    {
        "markupsafe.Markup",
        "flask.Markup",
        "jinja2.Markup",
        "Markup",
        "flask.render_template_string",
        "render_template_string",
        "jinja2.Template",
        "django.utils.safestring.mark_safe",
        "mark_safe",
    }
)
# Calls that compile their first argument as a template (Jinja2, Mako, Django).
TEMPLATE_FUNCS = frozenset(
    {
        "flask.render_template_string",
        "render_template_string",
        "jinja2.Template",
        "jinja2.Environment.from_string",
        "mako.template.Template",
        "django.template.Template",
    }
)
REDIRECTS = frozenset(
    {"redirect", "HttpResponseRedirect", "HttpResponsePermanentRedirect", "RedirectResponse"}
)
LDAP_METHODS = frozenset(
    {"search", "search_s", "search_st", "search_ext", "search_ext_s", "search_subtree_s"}
)
XPATH_METHODS = frozenset({"find", "findall", "findtext", "iterfind"})
LXML_PARSE = frozenset(
    {
        "lxml.etree.fromstring",
        "lxml.etree.XML",
        "lxml.etree.parse",
        "lxml.etree.iterparse",
        "lxml.etree.XMLID",
    }
)
STD_PARSE = frozenset(
    {
        "xml.dom.minidom.parseString",
        "xml.dom.minidom.parse",
        "xml.dom.pulldom.parseString",
        "xml.dom.pulldom.parse",
        "xml.sax.parseString",
        "xml.sax.parse",
    }
)
DESER = frozenset(
    {
        "pickle.loads",
        "pickle.load",
        "cPickle.loads",
        "cPickle.load",
        "_pickle.loads",
        "_pickle.load",
        "dill.loads",
        "dill.load",
        "marshal.loads",
        "marshal.load",
        "shelve.open",
        "jsonpickle.decode",
        "pandas.read_pickle",
        "yaml.unsafe_load",
        "yaml.full_load",
        "yaml.load_all",
        "pickle.Unpickler",
        "jsonpickle.loads",
        "joblib.load",
    }
)
