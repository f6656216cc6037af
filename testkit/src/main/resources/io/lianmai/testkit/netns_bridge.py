"""TCP between the test JVM's loopback and the loopback of a network namespace a test made (testkit NetworkNamespace).

Run in the JVM's own network namespace with the namespace's handle (/run/netns/NAME) as its argument. Each listening
or connecting socket is created in the namespace it belongs to (setns(2) on this thread, then back): a socket stays
in the namespace it was created in. Commands on stdin, one a line, each answered with one line on stdout:

  expose PORT  ->  "exposed PORT"      127.0.0.1:PORT inside the namespace reaches 127.0.0.1:PORT here
  reach PORT   ->  "reach PORT"        127.0.0.1:PORT here reaches 127.0.0.1:PORT inside the namespace
  anything that fails -> "error MESSAGE"

It exits when stdin closes, so it never outlives the JVM that started it. Python's standard library only (/usr/bin/python3).
"""
import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000
MAX_CONNECTIONS = 256
CONNECT_TIMEOUT = 5.0

libc = ctypes.CDLL(None, use_errno=True)
HOME = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
TARGET = os.open(sys.argv[1], os.O_RDONLY)
connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
exposed = set()


def enter(ns):
    if libc.setns(ns, CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, "setns: " + os.strerror(error))


def tcp_socket(ns):
    """A TCP socket in namespace ns (HOME or TARGET); this thread is back home afterwards."""
    if ns == HOME:
        return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    enter(ns)
    try:
        return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    finally:
        enter(HOME)


def pump(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listener, target_ns, port):
    while True:
        client, _ = listener.accept()
        if not connections.acquire(blocking=False):
            client.close()
            continue
        threading.Thread(target=join, args=(client, target_ns, port), daemon=True).start()


def join(client, target_ns, port):
    """Carries one connection both ways until either side ends it; holds one of MAX_CONNECTIONS meanwhile."""
    upstream = None
    try:
        upstream = tcp_socket(target_ns)
        upstream.settimeout(CONNECT_TIMEOUT)
        upstream.connect(("127.0.0.1", port))
        upstream.settimeout(None)
        for s in (client, upstream):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        back.start()
        pump(client, upstream)
        back.join()
    except OSError:
        pass
    finally:
        client.close()
        if upstream is not None:
            upstream.close()
        connections.release()


def listen(ns, port, target_ns, target_port):
    listener = tcp_socket(ns)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    threading.Thread(target=serve, args=(listener, target_ns, target_port), daemon=True).start()


def answer(line):
    command, _, argument = line.strip().partition(" ")
    port = int(argument)
    if command == "expose":
        if port not in exposed:
            listen(TARGET, port, HOME, port)
            exposed.add(port)
        return "exposed %d" % port
    if command == "reach":
        listen(HOME, port, TARGET, port)
        return "reach %d" % port
    raise ValueError("unknown command " + command)


for request in sys.stdin:
    try:
        print(answer(request), flush=True)
    except (OSError, ValueError) as e:
        print("error %s" % e, flush=True)
os._exit(0)
