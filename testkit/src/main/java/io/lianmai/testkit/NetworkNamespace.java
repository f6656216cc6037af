package io.lianmai.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace of the test's own, for a client that will not use loopback: a veth pair with a private
 * {@code /30} between it and this machine, and nothing else. The test's server binds its media on the host end
 * ({@link #hostAddress()}); the client, started in the namespace ({@link #command}), sees one interface with
 * {@link #address()} and reaches nothing but the host end: packets never leave this machine, and a CI machine with
 * no network address of its own runs it the same. Firefox needs it (its ICE offers no loopback candidate:
 * {@link HeadlessFirefox}).
 *
 * <p>The {@code /30} is drawn at random from 198.18.0.0/15 (RFC 2544's benchmarking range, never routed) among those
 * no interface of this machine uses, and the names carry this JVM's process id and random digits, so parallel runs
 * never clash. The namespace (with its veth pair and every process in it) is deleted on {@link #close()} and, if the
 * test never gets there, by a shutdown hook; one left behind by a killed JVM (whose id no longer runs) is deleted by
 * the next {@link #create}.
 *
 * <p>Inside the namespace, {@code 127.0.0.1} is the namespace's own loopback. {@link #exposeHostPort} and
 * {@link #reachNamespacePort} carry TCP across: a page in the namespace loads the server's
 * {@code http://127.0.0.1:port} (a secure context, as {@code getUserMedia} requires) and the test drives a browser's
 * remote agent listening on the namespace's loopback. That bridge is {@code netns_bridge.py} (beside this class,
 * run with {@code /usr/bin/python3}), which creates each socket in the namespace it belongs to.
 *
 * <p>Needs root (or {@code CAP_SYS_ADMIN} and {@code CAP_NET_ADMIN}) and {@code ip} (Debian {@code iproute2}):
 * without them {@link #create} skips the test loudly, or fails it under CI.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final String PREFIX = "lm-";
    private static final Pattern IPV4 = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)");
    private static final Pattern OURS = Pattern.compile("lm-[a-z]+-(\\d+)-[0-9a-f]+");
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 5;
    /** 198.18.0.0/15: 2^15 subnets of four addresses. */
    private static final int BENCHMARK_NET = (198 << 24) | (18 << 16);
    private static final int SUBNETS = 1 << 15;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String ip;
    private final String name;
    private final String hostInterface;
    private final String hostAddress;
    private final String address;
    private final Thread shutdownHook;
    private Process bridge;
    private Writer bridgeIn;
    private BufferedReader bridgeOut;
    private boolean closed;

    private NetworkNamespace(String ip, String name, String hostInterface, String hostAddress, String address) {
        this.ip = ip;
        this.name = name;
        this.hostInterface = hostInterface;
        this.hostAddress = hostAddress;
        this.address = address;
        this.shutdownHook = new Thread(this::delete, "delete netns " + name);
    }

    /**
     * Creates a namespace named {@code lm-<purpose>-<pid>-<random>} (purpose: lower-case letters) with its veth pair,
     * after deleting those that killed test JVMs left behind; skips the test loudly (fails it under CI) where
     * namespaces cannot be made.
     */
    public static NetworkNamespace create(String purpose) {
        if (!purpose.matches("[a-z]+")) {
            throw new IllegalArgumentException("purpose must be lower-case letters: " + purpose);
        }
        String ip = ExternalTools.require("ip (Debian package iproute2)", "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip",
                "/bin/ip").toString();
        deleteLeftovers(ip);
        for (int attempt = 1; ; attempt++) {
            String random = HexFormat.of().toHexDigits(RANDOM.nextInt()).substring(2);
            int subnet = freeSubnet(ip);
            NetworkNamespace namespace = new NetworkNamespace(ip,
                    PREFIX + purpose + "-" + ProcessHandle.current().pid() + "-" + random, "lm" + random + "h",
                    dotted(subnet + 1), dotted(subnet + 2));
            Result added = run(ip, "netns", "add", namespace.name);
            if (!added.ok()) {
                ExternalTools.unavailable("cannot create a network namespace (needs root, or CAP_SYS_ADMIN and "
                        + "CAP_NET_ADMIN): ip netns add said " + added.output().strip());
            }
            Runtime.getRuntime().addShutdownHook(namespace.shutdownHook);
            try {
                namespace.wire("lm" + random + "n");
                return namespace;
            } catch (AssertionError e) {
                namespace.close();
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The namespace's name, as {@code ip netns} knows it. */
    public String name() {
        return name;
    }

    /** The host end of the veth pair, in this JVM's network: where a server listens for clients in the namespace. */
    public String hostAddress() {
        return hostAddress;
    }

    /** The namespace's end of the veth pair: the one address a client inside has besides its loopback. */
    public String address() {
        return address;
    }

    /** {@code command} run inside the namespace ({@code ip netns exec}); the process keeps its id. */
    public List<String> command(String... command) {
        List<String> all = new ArrayList<>(List.of(ip, "netns", "exec", name));
        all.addAll(List.of(command));
        return all;
    }

    /** Makes {@code 127.0.0.1:port} inside the namespace reach {@code 127.0.0.1:port} here (TCP); idempotent. */
    public synchronized void exposeHostPort(int port) {
        bridge("expose " + port);
    }

    /**
     * Makes {@code 127.0.0.1:port} of this JVM reach {@code 127.0.0.1:port} inside the namespace (TCP): the same
     * number, since a server may check it (Firefox's remote agent refuses a {@code Host} header with another port).
     * Fails if the port is taken here: choose one free on both sides.
     */
    public synchronized void reachNamespacePort(int port) {
        bridge("reach " + port);
    }

    /** Stops every process in the namespace and deletes it with its veth pair. */
    @Override
    public synchronized void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs (and finds it deleted) or already ran.
        }
    }

    private void wire(String inside) {
        require(ip, "link", "add", hostInterface, "type", "veth", "peer", "name", inside, "netns", name);
        // No IPv6 link-local addresses on either end: IPv4 only, nothing to announce or solicit.
        require(ip, "link", "set", hostInterface, "addrgenmode", "none");
        require(ip, "-n", name, "link", "set", inside, "addrgenmode", "none");
        require(ip, "addr", "add", hostAddress + "/30", "dev", hostInterface);
        require(ip, "link", "set", hostInterface, "up");
        require(ip, "-n", name, "addr", "add", address + "/30", "dev", inside);
        require(ip, "-n", name, "link", "set", inside, "up");
        require(ip, "-n", name, "link", "set", "lo", "up");
        // A default route, into lo where it ends: Firefox sees no network (and gathers no ICE candidate at all)
        // without one, and this one leads nowhere off the /30.
        require(ip, "-n", name, "route", "add", "default", "dev", "lo");
    }

    private synchronized void delete() {
        if (closed) {
            return;
        }
        closed = true;
        if (bridge != null) {
            bridge.destroyForcibly();
        }
        killProcessesIn(ip, name);
        run(ip, "link", "del", hostInterface);
        run(ip, "netns", "del", name);
    }

    private String bridge(String request) {
        if (closed) {
            throw new IllegalStateException("namespace " + name + " is closed");
        }
        try {
            if (bridge == null) {
                ExternalTools.require("python3 (Debian package python3)", PYTHON);
                bridge = new ProcessBuilder(PYTHON, "-c", bridgeScript(), "/run/netns/" + name)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                bridgeIn = new OutputStreamWriter(bridge.getOutputStream(), StandardCharsets.UTF_8);
                bridgeOut = new BufferedReader(new InputStreamReader(bridge.getInputStream(), StandardCharsets.UTF_8));
            }
            bridgeIn.write(request + "\n");
            bridgeIn.flush();
            String reply = CompletableFuture.supplyAsync(this::readBridge)
                    .get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply == null || reply.startsWith("error")) {
                throw new AssertionError("netns bridge refused '" + request + "': " + reply);
            }
            return reply;
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("netns bridge gave no answer to '" + request + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private String readBridge() {
        try {
            return bridgeOut.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bridgeScript() throws IOException {
        try (InputStream in = NetworkNamespace.class.getResourceAsStream("netns_bridge.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Deletes namespaces of ours whose JVM no longer runs (killed before its shutdown hook could). */
    private static void deleteLeftovers(String ip) {
        for (String line : run(ip, "netns", "list").output().split("\n")) {
            String namespace = line.strip().split(" ")[0];
            Matcher ours = OURS.matcher(namespace);
            if (ours.matches() && ProcessHandle.of(Long.parseLong(ours.group(1))).isEmpty()) {
                killProcessesIn(ip, namespace);
                run(ip, "netns", "del", namespace);
            }
        }
    }

    private static void killProcessesIn(String ip, String namespace) {
        List<ProcessHandle> inside = run(ip, "netns", "pids", namespace).output().lines()
                .filter(pid -> pid.strip().matches("\\d+"))
                .map(pid -> ProcessHandle.of(Long.parseLong(pid.strip())))
                .flatMap(Optional::stream)
                .toList();
        inside.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : inside) {
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // Deleting the name still works; the namespace goes when its last process does.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A random /30 of 198.18.0.0/15 on which this machine has no address (its first address). */
    private static int freeSubnet(String ip) {
        List<Integer> used = new ArrayList<>();
        Matcher found = IPV4.matcher(run(ip, "-4", "-o", "addr", "show").output());
        while (found.find()) {
            used.add(toInt(found.group(1)) & ~3);
        }
        for (int pick = 0; pick < 100; pick++) {
            int subnet = BENCHMARK_NET + 4 * RANDOM.nextInt(SUBNETS);
            if (!used.contains(subnet)) {
                return subnet;
            }
        }
        throw new AssertionError("no free /30 in 198.18.0.0/15 after 100 picks: " + used.size() + " in use");
    }

    /** An IPv4 address in dotted quads as its 32 bits. */
    static int toInt(String dotted) {
        int value = 0;
        for (String part : dotted.split("\\.")) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "."
                + (address & 255);
    }

    private static void require(String... command) {
        Result result = run(command);
        if (!result.ok()) {
            throw new AssertionError(String.join(" ", command) + " failed: " + result.output().strip());
        }
    }

    /** Runs {@code command} (at most 10 s) and returns its exit status and output (stdout and stderr). */
    private static Result run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(false, String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
            }
            return new Result(process.exitValue() == 0, output.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } catch (IOException | ExecutionException | TimeoutException e) {
            return new Result(false, String.join(" ", command) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }

    private record Result(boolean ok, String output) {
    }
}
