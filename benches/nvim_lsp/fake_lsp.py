#!/usr/bin/env python3
"""A language server that answers at once, for benches/nvim_lsp.sh.

A real server spends milliseconds per request, which would bury the plugin's microseconds
in its noise. This one reads LSP messages (Content-Length framed JSON-RPC) on stdin and
answers every request immediately: `initialize` with the capabilities Neovim checks
before sending a definition or hover request, `shutdown` with null, anything else with an
empty result. Notifications get no answer; `exit` ends it. Standard library only.
"""

import json
import sys


def read_message(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    if length is None:
        return None
    return json.loads(stream.read(length))


def write_message(stream, message):
    body = json.dumps(message, separators=(",", ":")).encode()
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


CAPABILITIES = {
    "textDocumentSync": 1,
    "definitionProvider": True,
    "hoverProvider": True,
    "referencesProvider": True,
}


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        message = read_message(stdin)
        if message is None or message.get("method") == "exit":
            return
        if "id" not in message or "method" not in message:
            continue
        method = message["method"]
        if method == "initialize":
            result = {"capabilities": CAPABILITIES, "serverInfo": {"name": "fake"}}
        elif method == "shutdown":
            result = None
        else:
            result = []
        write_message(stdout, {"jsonrpc": "2.0", "id": message["id"], "result": result})


if __name__ == "__main__":
    main()
