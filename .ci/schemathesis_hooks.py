"""Schemathesis hooks for .ci/schemathesis.

A fresh `Idempotency-Key` for every request that sends a valid one: the fuzzer draws keys
from a small space and would otherwise keep reusing one key with another body, which the
server rightly refuses (422), so that most POSTs would never reach the handler. Keys that are
themselves invalid (negative tests of the header) are left as drawn.
"""

import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"^[\x21-\x7e]([\t\x20-\x7e]*[\x21-\x7e])?$")


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and isinstance(value, str):
            if VALID_KEY.match(value) and len(value) <= 255:
                headers[name] = uuid.uuid4().hex
