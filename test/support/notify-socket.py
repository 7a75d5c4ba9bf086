# A stand-in for systemd's notification socket: binds a Unix datagram socket at argv[1] and prints each message
# it receives as one JSON line ({"at": ms, "data": "READY=1"}). File descriptors sent along (systemd-notify's
# BARRIER=1) are closed at once, which is how systemd answers a barrier.
import array
import json
import os
import socket
import sys
import time

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
print(json.dumps({"at": time.time() * 1000, "data": "LISTENING"}), flush=True)
while True:
    data, ancillary, _flags, _addr = sock.recvmsg(65536, socket.CMSG_SPACE(64 * 4))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    print(json.dumps({"at": time.time() * 1000, "data": data.decode("utf-8", "replace")}), flush=True)
