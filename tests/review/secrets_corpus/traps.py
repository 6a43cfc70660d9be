# ruff: noqa
# fmt: off
"""False-positive traps: high-entropy or credential-looking text that is not a secret."""

import hashlib
import os
import uuid

# Hashes and identifiers.
EMPTY_SHA256 = "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9"
expected_digest = "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"
password_hash = "c4ca4238a0b923820dcc509a6f75849b"
token_sha1 = "b6589fc6ab0dc82cf12099d1c2d40ab994e8410c"
checksum = "c81e728d9d4c2f636f067f89cc14862c"
commit = "356a192b7913b04c54574d18c28d46e6395428ab"
REVISION = "da4b9237bacc"
request_id = "5cdb039e-2bb4-754a-179d-3907d0dde8e0"
tenant_id = "1338eb2b-fa7a-2cf0-5ddd-479a516d8b3b"
csrf_token_id = "2cf33142-8339-55bc-4f85-7281d376a833"
idempotency_token = "2cf33142-8339-55bc-4f85-7281d376a833"
integrity = "sha512-MbygIJTreBJqUXsgaojHPPqexvcExwMNGCEsrOgg8CXwC/DqaNvz86VDbKY7U797+ArY1d59g1nQt/7Z28OrmQ=="

# Base64 of ordinary data.
ICON = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
greeting_b64 = "SGVsbG8sIHRoaXMgaXMganVzdCBhIGdyZWV0aW5nIG1lc3NhZ2Uu"

# Documented examples and placeholders.
AWS_EXAMPLE_ID = "AKIAIOSFODNN7EXAMPLE"
aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
api_key = "<your-api-key>"
API_KEY = "YOUR_API_KEY_HERE"
password = "changeme"
secret = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
token = "************************"
github_token = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
stripe_key = "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx"
openai_key = "sk-..."
DB_PASSWORD = "${DB_PASSWORD}"
template_token = "{{ vault_token }}"
jinja_secret = "{{secrets.API_KEY}}"
printf_password = "%(password)s"
redacted_password = "[REDACTED]"

# Variable references and lookups.
SECRET_KEY = os.environ["SECRET_KEY"]
api_token = os.getenv("API_TOKEN", "")
password = settings.DATABASE_PASSWORD
token = request.headers.get("Authorization")
secret_key = get_secret("prod/app/secret_key")
auth_token = f"{prefix}{TOKEN_SUFFIX}"

# Test fixtures with obviously non-secret values.
password = "password123"
test_password = "test-password"
fake_token = "fake-token-for-tests"
dummy_secret = "dummy-secret-value"
secret = "s3cr3t"
api_key = "test_api_key"
token = "testtoken"

# Names that mention credentials without holding one.
token_url = "https://oauth2.googleapis.com/token"
password_field = "input[name=password]"
secret_path = "/run/secrets/db_password"
TOKEN_FILE = "~/.config/app/token.json"
api_key_header = "X-Api-Key-Header"
tokenizer = "bert-base-multilingual-uncased"
auth_backend = "django.contrib.auth.backends.ModelBackend"
PASSWORD_HASHER = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
secret_name = "projects/123/secrets/api-key/versions/latest"
token_type = "urn:ietf:params:oauth:token-type:jwt"
max_tokens = 4096
password_min_length = 12
SECRET_KEY_SETTING = "SECRET_KEY"
access_token_expires = "3600s"
token_pattern = r"[A-Za-z0-9]{32}"

# Ordinary strings that are long and varied.
version = "1.24.3+build.20240101"
url = "https://example.com/api/v1/items?page=2&sort=desc"
path = "/usr/local/lib/python3.11/site-packages"
sql = "SELECT id, name FROM users WHERE id = %s"
digest = hashlib.sha256(b"data").hexdigest()
key = uuid.uuid4().hex
publishable = "pk_live_lbaNFDpCWNX0D1lZEzgeiwBx"
cert = """-----BEGIN CERTIFICATE-----
z+QiB8ZP89M0KvFsTQfaAgQ+LW8+QvEJjXzmXxm7SiuW/+uCGhAFHwcox5+fVPke
obzg8FVKO7lT1fTF54uqlY8fqgdNntt+wMbAd+eRAKSGidhQFZNIS4z/sSv4w2Z3
nh3K7mmCBMXrLLUgd8uEpPRnYGxiL1yUubfOTH4W/L82vu0pT6EPsI8KMBFo+G2F
j9ox5EOCE61mXMEqDhoRver5IMs9LoOjdy3JXeVRvXhxWBODtB4OGIT3HDNKogJl
mOE18aW+g8c/v/bCVuF6SQbvYxJQcCe/R+QxxQsm562ld/Q7u0mpcR1c50rgTIjW
0n5PDYqXq1WF+zei6fc6Th1s9JI9g2e63YV6eTHHlNRTHZZJCOKuR+IAkl+43hTR
-----END CERTIFICATE-----"""
public = "-----BEGIN PUBLIC KEY-----"
doc_key = """-----BEGIN RSA PRIVATE KEY-----
...
-----END RSA PRIVATE KEY-----"""
not_a_jwt = "eyJhbGciOi.eyJzdWIiOi.truncated"
docs_url = "https://user:password@example.com/"
local_db = "postgres://postgres:postgres@localhost:5432/test"
env_db = "postgres://app:${DB_PASSWORD}@db:5432/app"
