"""Schemathesis hooks for .ci/schemathesis.

A fresh `Idempotency-Key` for every request that sends a valid one: the fuzzer draws keys
from a small space and would otherwise keep reusing one key with another body, which the
server rightly refuses (422), so that most POSTs would never reach the handler. Keys that are
themselves invalid (negative tests of the header) are left as drawn.

The fuzzer's own key (`ST_KEY_ID`) is never revoked (`POST /admin/v1/keys/{id}/revoke`) nor
given a rate of its own (`PUT /admin/v1/keys/{id}/rate`): everything after would answer 401 or
429, and the rest of the run would test nothing. Any other id, the demo's keys included, is
sent as drawn.
"""

import os
import re
import uuid

import schemathesis

OWN_KEY_ID = os.environ.get("ST_KEY_ID", "")
VALID_KEY = re.compile(r"^[\x21-\x7e]([\t\x20-\x7e]*[\x21-\x7e])?$")


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and isinstance(value, str):
            if VALID_KEY.match(value) and len(value) <= 255:
                headers[name] = uuid.uuid4().hex
    path = case.operation.path
    if OWN_KEY_ID and (path.endswith("/keys/{id}/revoke") or path.endswith("/keys/{id}/rate")):
        params = case.path_parameters or {}
        try:
            own = int(str(params.get("id"))) == int(OWN_KEY_ID)
        except ValueError:
            own = False
        if own:
            params["id"] = 2**40
