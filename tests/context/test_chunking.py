from __future__ import annotations

from aigentflow.context.chunking import chunk_file, language_of

PY = '''"""Module docstring."""
import os

CONSTANT = 1


@decorator
def top(a: int,
        b: int) -> int:
    """Add."""
    return a + b


class Greeter(Base):
    """Says hello."""

    greeting = "hi"

    def greet(self, name):
        return f"{self.greeting} {name}"

    async def wait(self):
        pass
'''


def test_python_is_chunked_by_function_class_and_method_with_class_header() -> None:
    chunks = chunk_file("pkg/mod.py", PY)
    kinds = [(c.kind, c.symbol, c.start_line, c.end_line) for c in chunks]
    assert kinds == [
        ("module", "mod", 1, 4),
        ("function", "top", 7, 11),
        ("class", "Greeter", 14, 17),
        ("method", "Greeter.greet", 19, 20),
        ("method", "Greeter.wait", 22, 23),
    ]
    greet = chunks[3]
    assert greet.signature == "class Greeter(Base):"
    assert greet.text.startswith("    def greet")
    assert chunks[1].text.startswith("@decorator")  # decorators belong to their function
    assert all(c.language == "python" and c.path == "pkg/mod.py" for c in chunks)


def test_long_function_is_split_into_windows_that_keep_its_signature() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(100))
    chunks = chunk_file("big.py", f"def big(arg):\n{body}\n")
    assert [(c.start_line, c.end_line) for c in chunks] == [(1, 60), (61, 101)]
    assert chunks[1].signature == "def big(arg):"
    assert {c.symbol for c in chunks} == {"big"}


def test_python_with_a_syntax_error_falls_back_to_line_windows() -> None:
    text = "\n".join(f"line {i} (" for i in range(45))
    chunks = chunk_file("broken.py", text, window=20)
    assert [(c.kind, c.start_line, c.end_line) for c in chunks] == [
        ("module", 1, 20),
        ("module", 21, 40),
        ("module", 41, 45),
    ]


def test_typescript_go_rust_and_java_are_chunked_by_tree_sitter() -> None:
    ts = "export class Svc {\n  run(): void {\n    go();\n  }\n}\nexport const f = (x: number) => x * 2;\n"
    go = "package main\n\nfunc (s *Server) Start() error {\n\treturn nil\n}\n"
    rust = "impl Point {\n    fn norm(&self) -> i32 { self.x }\n}\n"
    java = 'class Greeter {\n  String greet() {\n    return "hi";\n  }\n}\n'
    symbols = {
        path: [(c.kind, c.symbol) for c in chunk_file(path, text)]
        for path, text in (("a.ts", ts), ("a.go", go), ("a.rs", rust), ("A.java", java))
    }
    assert ("method", "Svc.run") in symbols["a.ts"]
    assert ("function", "f") in symbols["a.ts"]
    assert ("method", "Server.Start") in symbols["a.go"]
    assert ("function", "Point.norm") in symbols["a.rs"]
    assert ("method", "Greeter.greet") in symbols["A.java"]
    run = next(c for c in chunk_file("a.ts", ts) if c.symbol == "Svc.run")
    assert run.signature == "export class Svc {"


def test_unknown_languages_are_not_indexed_and_lock_files_are_skipped() -> None:
    assert language_of("image.png") is None
    assert language_of("package-lock.json") is None
    assert language_of("src/main.rs") == "rust"
    assert chunk_file("blob.bin", "data") == []


def test_content_hash_depends_on_text_and_context_but_not_on_line_numbers() -> None:
    a = chunk_file("m.py", "def f():\n    return 1\n")[0]
    moved = chunk_file("m.py", "\n\n\ndef f():\n    return 1\n")[0]
    other_file = chunk_file("n.py", "def f():\n    return 1\n")[0]
    assert a.content_hash == moved.content_hash
    assert a.start_line != moved.start_line
    assert a.content_hash != other_file.content_hash  # the path is part of what is embedded
