resource "aws_db_instance" "default" {
  username = "admin"
  password = var.db_password
  master_password = "PKgcjnCqaXNv1syeefnLOpaMxxN" # expect: secrets.generic
}

provider "aws" {
  access_key = var.aws_access_key
  secret_key = data.vault_generic_secret.aws.data["secret_key"]
}
