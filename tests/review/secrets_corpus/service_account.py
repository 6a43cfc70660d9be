# ruff: noqa
# fmt: off
# A Google service account key pasted as a dict: the key block is one line with \n escapes.
SERVICE_ACCOUNT = {
    "type": "service_account",
    "project_id": "corpus-demo",
    "private_key_id": "da4b9237bacccdf19c0760cab7aec4a8359010b0",
    "private_key": "-----BEGIN PRIVATE KEY-----\nz+QiB8ZP89M0KvFsTQfaAgQ+LW8+QvEJjXzmXxm7SiuW/+uCGhAFHwcox5+fVPke\nobzg8FVKO7lT1fTF54uqlY8fqgdNntt+wMbAd+eRAKSGidhQFZNIS4z/sSv4w2Z3\nnh3K7mmCBMXrLLUgd8uEpPRnYGxiL1yUubfOTH4W/L82vu0pT6EPsI8KMBFo+G2F\nj9ox5EOCE61mXMEqDhoRver5IMs9LoOjdy3JXeVRvXhxWBODtB4OGIT3HDNKogJl\nmOE18aW+g8c/v/bCVuF6SQbvYxJQcCe/R+QxxQsm562ld/Q7u0mpcR1c50rgTIjW\n0n5PDYqXq1WF+zei6fc6Th1s9JI9g2e63YV6eTHHlNRTHZZJCOKuR+IAkl+43hTR\n-----END PRIVATE KEY-----\n",  # expect: secrets.private-key
    "client_email": "corpus@corpus-demo.iam.gserviceaccount.com",
}
