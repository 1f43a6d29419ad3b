#!/usr/bin/env python3
"""Signs a request the way the real clients do (botocore's SigV4Auth), for the SigV4 tests.

    sigv4-sign.py '{"method": "POST", "url": "http://127.0.0.1:8765/v1/describejobs", "body": "{}",
                    "key": "AKID", "secret": "SECRET", "region": "us-east-1", "service": "batch"}'

Prints the headers to send, as a JSON object (Host, X-Amz-Date, Authorization, Content-Type when given)."""
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

spec = json.loads(sys.argv[1])
headers = {"Content-Type": "application/json"} if spec.get("body") else {}
request = AWSRequest(method=spec["method"], url=spec["url"], data=spec.get("body", "").encode(), headers=headers)
SigV4Auth(Credentials(spec["key"], spec["secret"]), spec["service"], spec["region"]).add_auth(request)
prepared = request.prepare()
out = dict(prepared.headers.items())
out.setdefault("Host", spec["url"].split("/")[2])
print(json.dumps(out))
