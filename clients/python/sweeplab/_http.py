"""HTTP to the logging API (urllib, JSON in and out)."""

import http.client
import json
import os
import socket
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:3000"


class Error(Exception):
    """The server refused a request (4xx): the message is the server's, naming the field."""

    def __init__(self, message, status=None, body=None):
        super().__init__(message)
        self.status = status
        self.body = body


class Unreachable(Exception):
    """No answer worth keeping: connection refused, timeout, or a 5xx. Worth retrying."""


def base_url():
    return os.environ.get("SWEEPLAB_URL", DEFAULT_URL).rstrip("/")


def dumps(body):
    # allow_nan=False: Python would otherwise write NaN/Infinity literals, which are not JSON.
    # Metric values are encoded before (NaN → null, ±inf → strings), so this never raises for them.
    return json.dumps(body, allow_nan=False, separators=(",", ":")).encode()


def post(path, body, url=None, api_key=None, timeout=15.0):
    """POST JSON; returns (status, parsed answer). Raises Error on 4xx, Unreachable otherwise."""
    url = (url or base_url()) + path
    headers = {"content-type": "application/json", "accept": "application/json"}
    key = api_key if api_key is not None else os.environ.get("SWEEPLAB_API_KEY")
    if key:
        headers["authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=dumps(body), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, _parse(response.read())
    except urllib.error.HTTPError as e:
        try:
            answer = _parse(e.read())
        except (OSError, http.client.HTTPException):
            raise Unreachable(f"{e.code} from {url}, its answer cut off") from None
        if e.code >= 500 or e.code == 429:
            raise Unreachable(f"{e.code} from {url}: {_message(answer)}") from None
        raise Error(f"{e.code} from POST {path}: {_message(answer)}", e.code, answer) from None
    except (urllib.error.URLError, socket.timeout, ConnectionError, OSError, http.client.HTTPException) as e:
        # (HTTPException: the server went away mid-answer — IncompleteRead, RemoteDisconnected;
        # the batch is sent again with its seq, which the server skips if it had stored it)
        raise Unreachable(f"{url}: {getattr(e, 'reason', e)!r}" if isinstance(e, http.client.HTTPException) else f"{url}: {getattr(e, 'reason', e)}") from None


def _parse(raw):
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {"error": raw[:200].decode(errors="replace")}


def _message(answer):
    """The server's `{error, issues: [{path, message}]}` as one line."""
    if not isinstance(answer, dict):
        return str(answer)
    text = str(answer.get("error") or "error")
    issues = answer.get("issues") or []
    details = [f"{_path(i.get('path'))}: {i.get('message')}" for i in issues if isinstance(i, dict)]
    return text + (" (" + "; ".join(details) + ")" if details else "")


def _path(path):
    if isinstance(path, list):
        path = ".".join(str(p) for p in path)
    return path or "(body)"
