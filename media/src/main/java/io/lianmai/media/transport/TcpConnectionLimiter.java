package io.lianmai.media.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * ICE-TCP connections open at once per source: an IPv4 address, or an IPv6 /64 (one subscriber's prefix; anyone
 * holding one has 2^64 addresses). The connection beyond {@link MediaLimits#tcpMaxConnectionsPerIp()} is closed as
 * soon as it is accepted.
 *
 * <p>Owned by the media loop (every ICE-TCP channel lives on it); allocates per accepted connection only.
 */
final class TcpConnectionLimiter {
    private final int maxPerSource;
    private final Map<InetAddress, int[]> open = new HashMap<>();
    private int total;
    private long refused;

    TcpConnectionLimiter(int maxPerSource) {
        this.maxPerSource = maxPerSource;
    }

    /** The key a connection from {@code address} counts under. */
    static InetAddress sourceOf(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** Counts a new connection from {@code source} ({@link #sourceOf}); false (and counted) when it is one too many. */
    boolean tryOpen(InetAddress source) {
        int[] count = open.computeIfAbsent(source, key -> new int[1]);
        if (count[0] >= maxPerSource) {
            refused++;
            return false;
        }
        count[0]++;
        total++;
        return true;
    }

    /** A connection counted by {@link #tryOpen} closed. */
    void onClosed(InetAddress source) {
        int[] count = open.get(source);
        if (count == null) {
            return;
        }
        total--;
        if (--count[0] <= 0) {
            open.remove(source);
        }
    }

    int open() {
        return total;
    }

    long refused() {
        return refused;
    }
}
