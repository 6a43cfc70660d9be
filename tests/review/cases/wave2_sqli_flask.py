# ruff: noqa
# fmt: off
"""SQL injection (CWE-89) in the idioms of other people's Flask apps: request.values, JSON
bodies, getlist/to_dict, path converters, blueprints, class-based views, repositories,
SQLAlchemy text(), executescript, loops and joins. Vulnerable handlers and their safe twins."""
import sqlite3

from flask import Blueprint, Flask, g, jsonify, request
from flask.views import MethodView
from sqlalchemy import create_engine, text

app = Flask(__name__)
bp = Blueprint("shop", __name__, url_prefix="/shop")
engine = create_engine("sqlite:///shop.db")
ALLOWED_COLUMNS = {"name", "price", "category"}
SORT_ORDERS = {"asc": "ASC", "desc": "DESC"}


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect("shop.db")
    return g.db


@app.route("/w2/sql/values")
def sql_values():
    term = request.values.get("term", "")
    cur = get_db().cursor()
    cur.execute(f"SELECT * FROM products WHERE name LIKE '%{term}%'")  # expect: python.sql-injection
    return jsonify(cur.fetchall())


@app.route("/w2/sql/values-safe")
def sql_values_safe():
    term = request.values.get("term", "")
    cur = get_db().cursor()
    cur.execute("SELECT * FROM products WHERE name LIKE ?", (f"%{term}%",))  # ok: python.sql-injection
    return jsonify(cur.fetchall())


@app.route("/w2/sql/json", methods=["POST"])
def sql_json():
    payload = request.get_json()
    username = payload["username"]
    db = get_db()
    row = db.execute("SELECT id FROM users WHERE username = '%s'" % username).fetchone()  # expect: python.sql-injection
    return jsonify(id=row[0] if row else None)


@app.route("/w2/sql/json-safe", methods=["POST"])
def sql_json_safe():
    payload = request.get_json()
    username = payload["username"]
    db = get_db()
    row = db.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()  # ok: python.sql-injection
    return jsonify(id=row[0] if row else None)


@app.route("/w2/sql/json-attr", methods=["PUT"])
def sql_json_attr():
    email = request.json["email"]
    user_id = request.json.get("id")
    sql = "UPDATE users SET email = '" + email + "' WHERE id = " + str(user_id)
    get_db().execute(sql)  # expect: python.sql-injection
    return "", 204


@app.route("/w2/sql/json-attr-safe", methods=["PUT"])
def sql_json_attr_safe():
    email = request.json["email"]
    user_id = request.json.get("id")
    get_db().execute("UPDATE users SET email = ? WHERE id = ?", (email, user_id))  # ok: python.sql-injection
    return "", 204


@app.route("/w2/sql/getlist")
def sql_getlist():
    ids = request.args.getlist("id")
    query = "SELECT * FROM products WHERE id IN (" + ",".join(ids) + ")"
    rows = get_db().execute(query).fetchall()  # expect: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/getlist-safe")
def sql_getlist_safe():
    ids = request.args.getlist("id")
    placeholders = ",".join("?" for _ in ids)
    query = f"SELECT * FROM products WHERE id IN ({placeholders})"
    rows = get_db().execute(query, ids).fetchall()  # ok: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/filters")
def sql_filters():
    filters = request.args.to_dict()
    clauses = []
    for column, value in filters.items():
        clauses.append(f"{column} = '{value}'")
    where = " AND ".join(clauses) or "1=1"
    rows = get_db().execute("SELECT * FROM products WHERE " + where).fetchall()  # expect: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/filters-safe")
def sql_filters_safe():
    filters = request.args.to_dict()
    clauses = []
    params = []
    for column, value in filters.items():
        if column not in ALLOWED_COLUMNS:
            continue
        clauses.append(f"{column} = ?")
        params.append(value)
    where = " AND ".join(clauses) or "1=1"
    rows = get_db().execute("SELECT * FROM products WHERE " + where, params).fetchall()  # ok: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/order")
def sql_order():
    order = request.args.get("order", "asc")
    rows = get_db().execute(f"SELECT * FROM products ORDER BY price {order}").fetchall()  # expect: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/order-safe")
def sql_order_safe():
    order = SORT_ORDERS.get(request.args.get("order", "asc"), "ASC")
    rows = get_db().execute(f"SELECT * FROM products ORDER BY price {order}").fetchall()  # ok: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/page")
def sql_page():
    page = request.args.get("page", "1")
    rows = get_db().execute(f"SELECT * FROM products LIMIT 20 OFFSET {page} * 20").fetchall()  # expect: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/page-safe")
def sql_page_safe():
    page = request.args.get("page", 1, type=int)
    rows = get_db().execute(f"SELECT * FROM products LIMIT 20 OFFSET {page} * 20").fetchall()  # ok: python.sql-injection
    return jsonify(rows)


@bp.route("/item/<slug>")
def shop_item(slug):
    with engine.connect() as conn:
        result = conn.execute(text(f"SELECT * FROM items WHERE slug = '{slug}'"))  # expect: python.sql-injection
        return jsonify([dict(r._mapping) for r in result])


@bp.route("/item-safe/<slug>")
def shop_item_safe(slug):
    with engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM items WHERE slug = :slug"), {"slug": slug})  # ok: python.sql-injection
        return jsonify([dict(r._mapping) for r in result])


@bp.get("/by-id/<int:item_id>")
def shop_by_id(item_id):
    row = get_db().execute(f"SELECT * FROM items WHERE id = {item_id}").fetchone()  # ok: python.sql-injection
    return jsonify(row)


@bp.get("/by-code/<code>")
def shop_by_code(code):
    row = get_db().execute(f"SELECT * FROM items WHERE code = '{code}'").fetchone()  # expect: python.sql-injection
    return jsonify(row)


@app.route("/w2/sql/script", methods=["POST"])
def sql_script():
    table = request.form["table"]
    get_db().executescript(f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id INTEGER);")  # expect: python.sql-injection
    return "ok"


@app.route("/w2/sql/script-safe", methods=["POST"])
def sql_script_safe():
    label = request.form["label"]
    db = get_db()
    db.executescript("CREATE TABLE IF NOT EXISTS labels (name TEXT); CREATE INDEX IF NOT EXISTS i ON labels(name);")  # ok: python.sql-injection
    db.execute("INSERT INTO labels (name) VALUES (?)", (label,))  # ok: python.sql-injection
    return "ok"


def find_orders(customer):
    sql = "SELECT * FROM orders WHERE customer = '{}'".format(customer)
    return get_db().execute(sql).fetchall()


def find_orders_safe(customer):
    return get_db().execute("SELECT * FROM orders WHERE customer = ?", [customer]).fetchall()


@app.route("/w2/sql/helper")
def sql_helper():
    return jsonify(find_orders(request.args.get("customer", "")))  # expect: python.sql-injection


@app.route("/w2/sql/helper-safe")
def sql_helper_safe():
    return jsonify(find_orders_safe(request.args.get("customer", "")))  # ok: python.sql-injection


class UserRepository:
    def __init__(self, conn):
        self.conn = conn

    def by_name(self, name):
        return self.conn.execute("SELECT * FROM users WHERE name = '" + name + "'").fetchall()

    def by_name_safe(self, name):
        return self.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchall()


@app.route("/w2/sql/repo")
def sql_repo():
    repo = UserRepository(get_db())
    return jsonify(repo.by_name(request.args["name"]))  # expect: python.sql-injection


@app.route("/w2/sql/repo-safe")
def sql_repo_safe():
    repo = UserRepository(get_db())
    return jsonify(repo.by_name_safe(request.args["name"]))  # ok: python.sql-injection


class ProductAPI(MethodView):
    def get(self, product_id):
        row = get_db().execute("SELECT * FROM products WHERE id = " + product_id).fetchone()  # expect: python.sql-injection
        return jsonify(row)

    def delete(self, product_id):
        get_db().execute("DELETE FROM products WHERE id = ?", (product_id,))  # ok: python.sql-injection
        return "", 204


app.add_url_rule("/w2/products/<product_id>", view_func=ProductAPI.as_view("product"))


@app.route("/w2/sql/try")
def sql_try():
    try:
        limit = request.args["limit"]
    except KeyError:
        limit = "10"
    rows = get_db().execute("SELECT * FROM logs LIMIT " + limit).fetchall()  # expect: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/try-safe")
def sql_try_safe():
    try:
        limit = int(request.args["limit"])
    except (KeyError, ValueError):
        limit = 10
    rows = get_db().execute("SELECT * FROM logs LIMIT " + str(limit)).fetchall()  # ok: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/fold")
def sql_fold():
    param = request.args.get("name", "")
    name = "guest" if 7 * 18 + 106 > 200 else param
    rows = get_db().execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()  # ok: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/fold-vuln")
def sql_fold_vuln():
    param = request.args.get("name", "")
    name = param if 7 * 18 + 106 > 200 else "guest"
    rows = get_db().execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()  # expect: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/overwrite")
def sql_overwrite():
    name = request.args.get("name", "")
    name = name.strip()
    name = "admin"
    rows = get_db().execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()  # ok: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/replace")
def sql_replace():
    name = request.args.get("name", "").replace(" ", "").lower()
    rows = get_db().execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()  # expect: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/header")
def sql_header():
    tenant = request.headers.get("X-Tenant", "public")
    rows = get_db().execute("SELECT * FROM accounts WHERE tenant = '%s'" % (tenant,)).fetchall()  # expect: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/header-safe")
def sql_header_safe():
    tenant = request.headers.get("X-Tenant", "public")
    if not tenant.isalnum():
        return "bad tenant", 400
    rows = get_db().execute("SELECT * FROM accounts WHERE tenant = '%s'" % (tenant,)).fetchall()  # ok: python.sql-injection
    return jsonify(rows)


@app.route("/w2/sql/data", methods=["POST"])
def sql_data():
    body = request.get_data(as_text=True)
    get_db().execute("INSERT INTO notes (body) VALUES ('" + body + "')")  # expect: python.sql-injection
    return "saved"


@app.route("/w2/sql/data-safe", methods=["POST"])
def sql_data_safe():
    body = request.get_data(as_text=True)
    get_db().execute("INSERT INTO notes (body) VALUES (?)", (body,))  # ok: python.sql-injection
    return "saved"
