"""Print fresh local secrets for `make run` (written once to var/local.env, never committed)."""

import base64
import os
import secrets

print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"RAPPORT_ENCRYPTION_KEYS=local1:{base64.b64encode(os.urandom(32)).decode()}")
print(f"RAPPORT_AUDIT_KEY={secrets.token_urlsafe(32)}")
print("RAPPORT_HTTPS=0")
print("ALLOWED_HOSTS=127.0.0.1,localhost")
print("EMAIL_FILE_PATH=var/mail")
