# ruff: noqa
# fmt: off
"""True positives per provider, in the shapes real Python code uses.

Every value here is random and format-valid only: none of them was ever a credential.
A trailing `expect: <rule-id>` says which rule must fire on that line; lines without one
must stay silent.
"""

import boto3

AWS_ACCESS_KEY_ID = "AKIAUJZDE8GXD6NCF10E"  # expect: secrets.aws-access-key
session = boto3.Session(aws_access_key_id="AKIAPF91DHODZDOC9IS0")  # expect: secrets.aws-access-key
temporary = {"AccessKeyId": "ASIA1U33XTPLPFT75V2S"}  # expect: secrets.aws-access-key
aws_secret_access_key = "jp1vRt/1fjORS+6ilI8ihN5KXSc7Tvo+hBKqFYY+"  # expect: secrets.aws-secret-key
client = boto3.client("s3", aws_secret_access_key="kv5ZJr3J1TWDtkwtDDb/xHKas1VOqg6YYZYn9Zhy")  # expect: secrets.aws-secret-key

GITHUB_TOKEN = "ghp_WHtP3fS2qHx6kwXoIIXGvOoNZYW2mZp0zVZo"  # expect: secrets.github-token
headers = {"Authorization": f"token ghp_mHFwUbbYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1"}  # expect: secrets.github-token
oauth = "gho_aE6PwZPf1Qh6yYTWmE4lBYOvfZ8UzDzV8fUk"  # expect: secrets.github-token
app_token = "ghs_kibjL5DZPjN0MEQ7wjJJibaZUPgHV7iB3m03"  # expect: secrets.github-token
fine_grained = "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"  # expect: secrets.github-token

gitlab = Gitlab("https://gitlab.com", private_token="glpat-PzJ59FHz5r1pY4OjE2jB")  # expect: secrets.gitlab-token
trigger = "glptt-ba2b0aee0ca923732881584d8c4fa2815d280282"  # expect: secrets.gitlab-token

anthropic_client = Anthropic(api_key="sk-ant-api03-CiHp6bR1IqfEouHgxzNNAL5wIScGebcy8F5n3_YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFalHlsZfYAA")  # expect: secrets.anthropic-key
ADMIN_KEY = "sk-ant-admin01-_-Ydua-5ZMs1SWOpQaPRYpzbLGViYXjU2JgJngKtFI3OyV2dZAkg05rK-gqv81RKMGHZEM9YpvujA_C5Q52ryFlwRlOEVAA"  # expect: secrets.anthropic-key

openai_client = OpenAI(api_key="sk-proj-Hzc0X0AWIRh_JUqBlIFXZ53Ncqe28-ajY75FnCttn6kfaqDeMqG3omjMyXHCabM6JOF8EFd0Nhcy_1kGD2VD_eR1UYzaLiA_zNyD7CHLn_xC-1hsYgBds1ghxY5OokvQyx7eNWVQ4vnakJkS1pAWTN3lg8zV")  # expect: secrets.openai-key
LEGACY_OPENAI = "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"  # expect: secrets.openai-key
service_account = "sk-svcacct-OJMaidDn87XG3_q_xbMtEPO6UkzYuF0ie9Pu2njHkAm1_5wDr16EpLLJIVGHz4FxFEtKyPiYGF"  # expect: secrets.openai-key

slack = WebClient(token="xoxb-883170107375-043103993158-3lCMqXXQ8agOMTNwncxvjcnq")  # expect: secrets.slack-token
user_token = "xoxp-093056529413-078716168281-264644604956-d0b6cc60d5d32cbe54014c2b54b95523"  # expect: secrets.slack-token
WEBHOOK = "https://hooks.slack.com/services/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"  # expect: secrets.slack-webhook

stripe.api_key = "sk_live_Q1uhyMDJ2OXtPAtLpByQxCGC"  # expect: secrets.stripe-key
restricted = "rk_live_lbaNFDpCWNX0D1lZEzgeiwBx"  # expect: secrets.stripe-key
stripe_test_key = "sk_test_fZCGGQccOif7UuXUGfdWG5yP"  # expect: secrets.stripe-key
publishable = "pk_live_Q1uhyMDJ2OXtPAtLpByQxCGC"

maps = googlemaps.Client(key="AIzardioyq-KvCiSGuPJ6sG9AHEOVezxZuJPWvH")  # expect: secrets.google-api-key
conn = "DefaultEndpointsProtocol=https;AccountName=corpus;AccountKey=fcgaTMnTC0MrAU8urbFt5misIZHbhS4/FvafhdZxEuhnbzs0z1wNiMg9aW37k5wCnHDepQHgI3HLBkbvHEzuPy==;EndpointSuffix=core.windows.net"  # expect: secrets.azure-storage-key
credential = ClientSecretCredential(tenant, client, "9FL8Q~S-HuKBD~vok_nPTmZYl2dVAMH2.vWD6qeS")  # expect: secrets.azure-client-secret
NPM = "npm_LuHj31CQJVukDCSXqLoivDP4SpGmrtWT01Nj"  # expect: secrets.npm-token
twine_password = "pypi-AgEIcHlwaS5vcmctFPSuEPyHnvnzXtsMM3JznnJAX7ebZ3CL7csGZaF31DDxp63OHm1FZuG296c0xPbX-neGB"  # expect: secrets.pypi-token
hub = "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"  # expect: secrets.huggingface-token
sendgrid = SendGridAPIClient("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")  # expect: secrets.sendgrid-key

SESSION = "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiMTIzNDU2Nzg5MCIsICJuYW1lIjogIkNvcnB1cyBVc2VyIiwgImlhdCI6IDE1MTYyMzkwMjJ9.GmsDx5StAZvlMz_Bk4opH1Dr8_h97s-F_vauP7_L7V2"  # expect: secrets.jwt

DATABASE_URL = "postgresql://app:PuaYV2FyCtlItZjBKyLof06v@db.internal:5432/app"  # expect: secrets.connection-string
BROKER = "amqp://worker:u1M1p9unB569abdqK5Ft6IXt@rabbit:5672//"  # expect: secrets.connection-string
mongo = MongoClient("mongodb+srv://admin:INBH0HURByDwcMRwC8aReHog@cluster0.abcde.mongodb.net/")  # expect: secrets.connection-string

SIGNING_KEY = """-----BEGIN RSA PRIVATE KEY-----  # expect: secrets.private-key
z+QiB8ZP89M0KvFsTQfaAgQ+LW8+QvEJjXzmXxm7SiuW/+uCGhAFHwcox5+fVPke
obzg8FVKO7lT1fTF54uqlY8fqgdNntt+wMbAd+eRAKSGidhQFZNIS4z/sSv4w2Z3
nh3K7mmCBMXrLLUgd8uEpPRnYGxiL1yUubfOTH4W/L82vu0pT6EPsI8KMBFo+G2F
j9ox5EOCE61mXMEqDhoRver5IMs9LoOjdy3JXeVRvXhxWBODtB4OGIT3HDNKogJl
mOE18aW+g8c/v/bCVuF6SQbvYxJQcCe/R+QxxQsm562ld/Q7u0mpcR1c50rgTIjW
0n5PDYqXq1WF+zei6fc6Th1s9JI9g2e63YV6eTHHlNRTHZZJCOKuR+IAkl+43hTR
-----END RSA PRIVATE KEY-----"""

db_password = "Jxrx*Dwzkl#JwAryNzbi*0"  # expect: secrets.generic
settings = dict(secret_key="*SQK#lb09rIFxUeuV")  # expect: secrets.generic
api_key: str = "ff907a76cc0b57aaf89691052be1ceb3"  # expect: secrets.generic
self.client_secret = 'T*5*jpTFPWhLn#5&'  # expect: secrets.generic
CONFIG = {"auth_token": "AxGzPJ7Kj4m9AFzCXN5LvSHV"}  # expect: secrets.generic

DIGITALOCEAN = "dop_v1_9209dcb468e07e032fd0db161b56bb9a2f5fe555a6323d188a3b99e68433f7a4"  # expect: secrets.digitalocean-token
shopify = ShopifyAPI(access_token="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")  # expect: secrets.shopify-token
VAULT_TOKEN = "hvs.CAESIEGm1vb4R1v0iEL20MgKndrQ3FvkRoE85IaRWdsZAdw52k1J9wMHlCh-Wc60LO0SMJRuXf19GJlXBHsVo7pJ4aeHoF8f"  # expect: secrets.vault-token
databricks_host, databricks_pat = "adb-123.azuredatabricks.net", "dapid286b425cb9251350449f9113a04b256"  # expect: secrets.databricks-token
