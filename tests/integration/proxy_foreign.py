#!/usr/bin/env python3
"""A gate in front of a device, used by browser.sh to play another local process against the
browser's live proxy. Usage: proxy_foreign.py PORTFILE DEVICE_PORT REPORT.

It listens on loopback and writes its port to PORTFILE; the browser is pointed at it. When the
proxy's own connection to the device arrives, it finds the proxy's listening port (the process
that connected is the browser: `ss`), and before letting that connection through to DEVICE_PORT:
- keeps FLOOD connections to the proxy open that send nothing, opening another each time the
  proxy closes one, until the end of the run;
- sends CONNECT heads without a secret and with a wrong one, and records the status lines.
From then on every connection is relayed to the device, until SIGTERM; REPORT then gets one JSON object: the
answers to the probes, the answers the flood connections got, and how many were open at most.
"""
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time

FLOOD = 100
portfile, device_port, report_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
state = {"probes": {}, "flood_answers": {}, "flood_open_max": 0, "proxy_port": None}
lock = threading.Lock()
stop = threading.Event()


def proxy_port_of(peer_port):
    """The listening loopback port of the process whose socket has local port peer_port."""
    out = subprocess.run(["ss", "-Htnp", "state", "established", f"( sport = :{peer_port} )"],
                         capture_output=True, text=True, check=True).stdout
    pid = re.search(r"pid=(\d+),", out).group(1)
    out = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.search(r"127\.0\.0\.1:(\d+)\s", line)
        if m and f"pid={pid}," in line:
            return int(m.group(1))
    raise RuntimeError("no listening socket of pid " + pid)


def status_of(sock, timeout=10):
    sock.settimeout(timeout)
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(256)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n")[0].decode(errors="replace")


def probe(port, name, auth):
    head = f"CONNECT localhost:{device_port} HTTP/1.1\r\nHost: localhost:{device_port}\r\n"
    if auth is not None:
        head += f"Proxy-Authorization: {auth}\r\n"
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall((head + "\r\n").encode())
        state["probes"][name] = status_of(s)


def flood_one(port):
    """One silent connection after another, until the run ends."""
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port))
        except OSError as e:
            with lock:
                state["flood_answers"][str(e)] = state["flood_answers"].get(str(e), 0) + 1
            time.sleep(0.1)
            continue
        with lock:
            state["open"] = state.get("open", 0) + 1
            state["flood_open_max"] = max(state["flood_open_max"], state["open"])
        answer = None
        while answer is None and not stop.is_set():
            try:
                answer = status_of(s, 0.5) or "closed"
            except socket.timeout:
                pass
            except OSError:
                answer = "reset"
        s.close()
        with lock:
            state["open"] -= 1
            if answer is not None:
                state["flood_answers"][answer] = state["flood_answers"].get(answer, 0) + 1


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(client):
    dev = socket.create_connection(("127.0.0.1", device_port))
    threading.Thread(target=pipe, args=(client, dev), daemon=True).start()
    threading.Thread(target=pipe, args=(dev, client), daemon=True).start()


def main():
    gate = socket.socket()
    gate.bind(("127.0.0.1", 0))
    gate.listen(64)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(gate.getsockname()[1]))
    subprocess.run(["mv", portfile + ".tmp", portfile], check=True)
    first, addr = gate.accept()
    port = proxy_port_of(addr[1])
    state["proxy_port"] = port
    for _ in range(FLOOD):
        threading.Thread(target=flood_one, args=(port,), daemon=True).start()
    deadline = time.time() + 3
    while state["flood_open_max"] < FLOOD and time.time() < deadline:
        time.sleep(0.02)
    probe(port, "none", None)
    probe(port, "wrong", "Basic YWx0cm9vdC1icm93c2VyOndyb25n")
    probe(port, "empty-user", "Basic Og==")
    relay(first)
    gate.settimeout(1)
    while True:
        try:
            c, _ = gate.accept()
        except socket.timeout:
            continue
        relay(c)
        state["relayed"] = state.get("relayed", 1) + 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        main()
    finally:
        stop.set()
        with lock:
            text = json.dumps(state)
        with open(report_path, "w") as f:
            f.write(text)
