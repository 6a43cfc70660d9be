// DOM XSS, eval and command/SQL injection: vulnerable lines and safe twins.
const { exec } = require("child_process");

function render(el, name, html) {
  el.innerHTML = `<b>${name}</b>`; // expect: js.inner-html
  el.innerHTML = "<b>static</b>"; // ok: js.inner-html
  el.textContent = name; // ok: js.inner-html
  el.outerHTML = "<p>" + name + "</p>"; // expect: js.inner-html
  el.innerHTML = DOMPurify.sanitize(html); // ok: js.inner-html
  el.insertAdjacentHTML("beforeend", html); // expect: js.inner-html
  document.write("<p>" + name + "</p>"); // expect: js.document-write
  document.write("<p>static</p>"); // ok: js.document-write
}

function run(code, dir) {
  eval(code); // expect: js.eval
  eval("1 + 1"); // ok: js.eval
  const f = new Function(code); // expect: js.eval
  exec(`ls ${dir}`); // expect: js.command-injection
  exec("ls -l /srv"); // ok: js.command-injection
  /a(b)/.exec(dir); // ok: js.command-injection
  return f;
}

async function find(db, id) {
  await db.query(`SELECT * FROM users WHERE id = ${id}`); // expect: js.sql-injection
  await db.query("SELECT * FROM users WHERE id = ?", [id]); // ok: js.sql-injection
  await db.query("SELECT * FROM users WHERE name = '" + id + "'"); // expect: js.sql-injection
}
