#!/usr/bin/env python3
"""An independent notify client in Python (stdlib only), written from docs/protocol.md and asyncapi.yaml alone.

Usage: python_client.py HOST PORT TOKEN PUSH_TOKEN
Prints one JSON object a line: every frame received ({"frame": ...}) and every close ({"close": [code, reason]}).
"""
import base64
import json
import os
import socket
import struct
import sys
import urllib.request


def push(host, port, push_token, user, body):
    request = urllib.request.Request(
        f"http://{host}:{port}/api/v1/users/{user}/notifications",
        data=json.dumps(body).encode(),
        headers={"X-Auth-Token": push_token, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201, response.status
        return json.loads(response.read())


class Client:
    def __init__(self, host, port, path):
        self.sock = socket.create_connection((host, port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError(response.decode(errors="replace"))

    def _read_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError()
            data += chunk
        return data

    def send_text(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def read(self):
        """Returns ("text", str) or ("close", (code, reason)); answers pings."""
        while True:
            first, second = self._read_exact(2)
            opcode = first & 0x0F
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read_exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read_exact(8))[0]
            payload = self._read_exact(length)
            if opcode == 0x1:
                return "text", payload.decode()
            if opcode == 0x8:
                code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
                return "close", (code, payload[2:].decode())
            if opcode == 0x9:
                mask = os.urandom(4)
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def emit(kind, value):
    print(json.dumps({kind: value}), flush=True)


def read_until(client, wanted_type):
    while True:
        kind, value = client.read()
        if kind == "close":
            emit("close", value)
            raise RuntimeError(f"closed while waiting for {wanted_type}: {value}")
        frame = json.loads(value)
        emit("frame", frame)
        if frame["type"] == wanted_type:
            return frame


def main():
    host, port, token, push_token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    invitation = {
        "invitationId": "550e8400-e29b-41d4-a716-446655440000",
        "groupId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "groupName": "Project Alpha",
        "inviterUsername": "alice",
    }
    first = push(host, port, push_token, "py", {"type": "invitation_received", "data": invitation, "category": "invitations"})

    client = Client(host, port, f"/api/v1/notifications?access_token={token}")
    established = read_until(client, "connection_established")
    assert established["data"]["userId"] == "py"
    snapshot = read_until(client, "unread_notifications")
    assert snapshot["data"]["notifications"][0]["id"] == first["id"]

    client.send_text("PING")
    read_until(client, "pong")
    client.send_text(json.dumps({"action": "ping"}))
    read_until(client, "pong")

    live = push(host, port, push_token, "py", {"type": "error", "data": {"title": "Export failed", "message": "disk", "errorCode": 503, "retryAllowed": True}})
    assert read_until(client, "error")["id"] == live["id"]

    client.send_text(json.dumps({"action": "acknowledge", "id": live["id"]}))
    assert read_until(client, "notification_read")["data"]["ids"] == [live["id"]]
    client.send_text(json.dumps({"action": "load_more", "limit": 1}))
    page = read_until(client, "notifications_page")
    client.send_text(json.dumps({"action": "load_more", "before": page["data"]["nextCursor"], "limit": 5}))
    read_until(client, "notifications_page")
    client.send_text(json.dumps({"action": "mark_all_read"}))
    read_until(client, "notification_read")
    client.send_text("{oops")
    assert read_until(client, "request_error")["data"]["code"] == "invalid_json"
    client.send_text(json.dumps({"action": "refresh_token", "token": token}))
    read_until(client, "token_refreshed")

    resumed = Client(host, port, f"/api/v1/notifications?token={token}&since={first['id']}")
    established = read_until(resumed, "connection_established")
    assert established["data"]["resumed"] is True
    assert read_until(resumed, "error")["id"] == live["id"]

    anonymous = Client(host, port, "/api/v1/notifications")
    kind, value = anonymous.read()
    emit("close", value)
    bad = Client(host, port, "/api/v1/notifications?token=not.a.token")
    kind, value = bad.read()
    emit("close", value)
    print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    main()
