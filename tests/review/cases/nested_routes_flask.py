# ruff: noqa
# fmt: off
"""Handlers registered inside init(app), tab-indented, with request wrappers, config parsers,
loops over form keys and guards: the shape of many small generated Flask test applications."""
from flask import make_response, render_template, request
from helpers.utils import escape_for_html


def init(app):

	@app.route('/t/codeinj-01', methods=['POST'])
	def codeinj_01_post():
		RESPONSE = ""
		param = ""
		for name in request.form.keys():
			if "codeinj-01" in request.form.getlist(name):
				param = name
				break
		RESPONSE += (
			eval(param)  # expect: python.code-injection
		)
		return escape_for_html(RESPONSE)

	@app.route('/t/codeinj-01-safe', methods=['POST'])
	def codeinj_01_safe_post():
		RESPONSE = ""
		param = request.args.get("codeinj-01", "")
		if not param.startswith('\'') or not param.endswith('\'') or '\'' in param[1:-1]:
			RESPONSE += "Eval argument must be a plain string literal."
			return RESPONSE
		RESPONSE += (
			eval(param)  # ok: python.code-injection
		)
		return escape_for_html(RESPONSE)

	@app.route('/t/xpath-01', methods=['POST'])
	def xpath_01_post():
		import configparser
		import lxml.etree
		param = request.cookies.get("xpath-01", "")
		conf = configparser.RawConfigParser()
		conf.read_dict({'section': {'keyA': 'a-Value', 'keyB': param}})
		bar = conf.get('section', 'keyB')
		fd = open('employees.xml', 'rb')
		root = lxml.etree.parse(fd)
		query = "".join(["/Employees/Employee[@emplid='", bar, "']"])
		run_query = lxml.etree.XPath(query)  # expect: python.xpath-injection
		return str(len(run_query(root)))

	@app.route('/t/xpath-01-safe', methods=['POST'])
	def xpath_01_safe_post():
		import elementpath
		import xml.etree.ElementTree as ET
		param = request.cookies.get("xpath-01", "")
		bar = param
		if '\'' in bar:
			return "Employee ID must not contain apostrophes"
		root = ET.parse('employees.xml')
		query = f"/Employees/Employee[@emplid='{bar}']"
		nodes = elementpath.select(root, query)  # ok: python.xpath-injection
		return str(len(nodes))

	@app.route('/t/xpath-02', methods=['POST'])
	def xpath_02_post():
		import elementpath
		import xml.etree.ElementTree as ET
		import helpers.separate_request
		wrapped = helpers.separate_request.request_wrapper(request)
		param = wrapped.get_form_parameter("xpath-02")
		root = ET.parse('employees.xml')
		nodes = elementpath.select(root, f"/Employees/Employee[@emplid='{param}']")  # expect: python.xpath-injection
		return str(len(nodes))

	@app.route('/t/xpath-02-safe', methods=['POST'])
	def xpath_02_safe_post():
		import elementpath
		import xml.etree.ElementTree as ET
		import helpers.separate_request
		wrapped = helpers.separate_request.request_wrapper(request)
		param = wrapped.get_safe_value("xpath-02")
		root = ET.parse('employees.xml')
		nodes = elementpath.select(root, f"/Employees/Employee[@emplid='{param}']")  # ok: python.xpath-injection
		return str(len(nodes))

	@app.route('/t/sqli-01', methods=['POST'])
	def sqli_01_post():
		import urllib.parse
		import helpers.db_sqlite
		query_string = request.query_string.decode('utf-8')
		paramLoc = query_string.find("sqli-01" + '=')
		if paramLoc == -1:
			return "request.query_string did not contain expected parameter 'sqli-01'."
		param = query_string[paramLoc + len("sqli-01") + 1:]
		ampLoc = param.find('&')
		if ampLoc != -1:
			param = param[:ampLoc]
		param = urllib.parse.unquote_plus(param)
		sql = f'SELECT username from USERS where password = \'{param}\''
		con = helpers.db_sqlite.get_connection()
		cur = con.cursor()
		cur.execute(sql)  # expect: python.sql-injection
		con.close()
		return "done"

	@app.route('/t/sqli-01-safe', methods=['POST'])
	def sqli_01_safe_post():
		import helpers.db_sqlite
		param = request.headers.get("sqli-01", "")
		thing = helpers.ThingFactory.createThing()
		bar = thing.doSomething(param)
		sql = 'SELECT username from USERS where password = ?'
		con = helpers.db_sqlite.get_connection()
		cur = con.cursor()
		cur.execute(sql, (bar,))  # ok: python.sql-injection
		con.close()
		return "done"

	@app.route('/t/ldap-01', methods=['POST'])
	def ldap_01_post():
		import helpers.ldap
		import ldap3
		RESPONSE = ""
		param = request.args.get("ldap-01", "")
		bar = param.split(' ')[0]
		base = 'ou=users,ou=system'
		filter = f'(&(objectclass=person)(uid={bar}))'
		conn = helpers.ldap.get_connection()
		conn.search(base, filter, attributes=ldap3.ALL_ATTRIBUTES)  # expect: python.ldap-injection
		for e in conn.entries:
			RESPONSE += (
				f'Record found with name {e["uid"]}<br>'
			)
		return RESPONSE

	@app.route('/t/ldap-01-safe', methods=['POST'])
	def ldap_01_safe_post():
		import helpers.ldap
		import ldap3
		param = request.args.get("ldap-01", "")
		possible = "ABC"
		guess = possible[1]
		match guess:
			case 'A':
				bar = param
			case 'B':
				bar = 'bob'
			case 'C' | 'D':
				bar = param
			case _:
				bar = 'bob\'s your uncle'
		filter = f'(&(objectclass=person)(uid={bar}))'
		conn = helpers.ldap.get_connection()
		conn.search('ou=users,ou=system', filter, attributes=ldap3.ALL_ATTRIBUTES)  # ok: python.ldap-injection
		return "done"

	@app.route('/t/cookie-01', methods=['POST'])
	def cookie_01_post():
		param = request.cookies.get("cookie-01", "")
		value = escape_for_html(param)
		response = make_response(f"Created cookie with value '{value}'")
		response.set_cookie('SomeCookie', value, path=request.path, secure=False, httponly=True)  # expect: python.cookie-without-secure
		return response

	@app.route('/t/cookie-01-safe', methods=['GET'])
	def cookie_01_safe_get():
		options = {'secure': True, 'httponly': True, 'samesite': 'Strict'}
		response = make_response(render_template('page.html'))
		response.set_cookie('cookie-01', 'whatever', max_age=180, path=request.path, **options)  # ok: python.cookie-without-secure, python.cookie-without-httponly
		return response

	@app.route('/t/trust-01', methods=['POST'])
	def trust_01_post():
		import flask
		param = request.headers.get("trust-01", "")
		text = 'help'
		text += param
		text += 'snapes on a plane'
		bar = text[4:-17]
		flask.session[bar] = '12345'  # expect: python.trust-boundary
		return f"Item: '{escape_for_html(bar)}' saved in session."

	@app.route('/t/trust-01-safe', methods=['POST'])
	def trust_01_safe_post():
		import flask
		param = request.headers.get("trust-01", "")
		conf = {'keyA': 'a_Value', 'keyB': param}
		bar = conf.get('keyA')
		flask.session['userid'] = bar  # ok: python.trust-boundary
		return f"Item: 'userid' with value '{escape_for_html(bar)}' saved in session."
