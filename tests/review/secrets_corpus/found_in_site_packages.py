# ruff: noqa
# fmt: off
"""Traps taken from installed libraries: each once fooled an earlier version of the rules."""

GRANT_TYPE_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA = "textDocument/semanticTokens/full/delta"
OIDS = {PRIVATE_KEY_USAGE_PERIOD: "privateKeyUsagePeriod", CHALLENGE_PASSWORD: "challengePassword"}
API_KEY = 'WillAlsoBeIgnored'
example = dict(verify_token="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...")
namespace = {"credential_vendor.aws_role_arn": "arn:aws:iam::123456789012:role/MyRole"}
# The default infer_storage_options can handle gist://username:token@id/file
GIT_URL = "git://[path-to-repo[:]][ref@]path/to/file"
GITHUB = 'github://org:repo@sha/precip/catalog.yml'
SMB = 'smb://myuser:mypassword@myserver.com/'
URL = "https://jo%40email.com:a%20secret@www.example.com"
mhu = MultiHostUrl('https://foo.com:123,foo:bar@bar.com/path')
JWT_IO = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"


def handler(path):
    if path == "/latest/api/token":
        result = "fake-imdsv2-token"
    return {"NextToken": "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ=="}


PAGE = {"NextContinuationToken": "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg=="}
VERIFY = {"VerificationToken": "QTKknzFg2J4ygwa+XvHAxUl1hyHoY0gVfZdfjIedHZ0="}
SESSION_TOKEN_PREFIX = "FQoGZXIvYXdzEBYaD"
USER = {"PasswordLastUsed": "2016-09-08T21:47:36Z", "AuthorizationStrategy": "SMART_ON_FHIR_V1"}
RESOURCE_TYPES = {"AWS::IAM::AccessKey": "62d91b17309e76c8"}
CHANNEL = {"Password": "generatedwebdavpassword1"}
