package io.lianmai.media.session;

import java.net.InetSocketAddress;

/**
 * The UDP source addresses of one session that passed an ICE check, and from which the media server therefore
 * routes DTLS and SRTP to it: at most {@link MediaLimits#maxAddressesPerSession()}. A new address evicts the one
 * whose latest valid check is oldest, never the address the session sends to (the nominated pair). Without the
 * bound, a client holding a session's ICE password could grow the server's by-address map with every source port
 * it checks from.
 *
 * <p>Owned by the media loop; allocates nothing once the addresses are known.
 */
public final class SessionAddresses {
    private final InetSocketAddress[] addresses;
    private final long[] lastValidMillis;
    private int size;

    SessionAddresses(int capacity) {
        this.addresses = new InetSocketAddress[capacity];
        this.lastValidMillis = new long[capacity];
    }

    /**
     * Records a valid check from {@code address} now.
     *
     * @param keep the address that must stay (where the session sends), or null
     * @return the address forgotten to make room, or null
     */
    public InetSocketAddress onValidCheck(InetSocketAddress address, long nowMillis, InetSocketAddress keep) {
        for (int i = 0; i < size; i++) {
            if (addresses[i].equals(address)) {
                lastValidMillis[i] = nowMillis;
                return null;
            }
        }
        if (size < addresses.length) {
            addresses[size] = address;
            lastValidMillis[size] = nowMillis;
            size++;
            return null;
        }
        int oldest = -1;
        for (int i = 0; i < size; i++) {
            if (!addresses[i].equals(keep) && (oldest < 0 || lastValidMillis[i] < lastValidMillis[oldest])) {
                oldest = i;
            }
        }
        InetSocketAddress evicted = addresses[oldest];
        addresses[oldest] = address;
        lastValidMillis[oldest] = nowMillis;
        return evicted;
    }

    public int size() {
        return size;
    }

    public InetSocketAddress get(int index) {
        return addresses[index];
    }
}
