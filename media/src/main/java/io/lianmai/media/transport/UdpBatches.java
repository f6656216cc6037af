package io.lianmai.media.transport;

import java.util.Arrays;

/**
 * The addresses holding a coalesced batch ({@link UdpCoalescer}) that the next flush of one socket (the media
 * socket, or an egress lane's) must write, and whether the socket coalesces at all: UDP generic segmentation offload ({@code UDP_SEGMENT}, Linux 4.18+,
 * epoll only) sends a batch of equal-sized datagrams to one address as one buffer through the kernel's send path,
 * which then costs about as much as one datagram (≈ 1.3 against ≈ 2.1–2.6 µs of sender CPU per 1,200-byte datagram
 * at four per batch on loopback, docs/benchmarks.md).
 *
 * <p>Owned by the socket's event loop: no locks. The list grows to the most endpoints ever waiting at once, then allocates
 * nothing.
 */
final class UdpBatches {
    private boolean segmentation;
    private UdpCoalescer[] waiting = new UdpCoalescer[64];
    private int count;
    private long segmentedSends;
    private long segmentedDatagrams;

    UdpBatches(boolean segmentation) {
        this.segmentation = segmentation;
    }

    /** Whether endpoints coalesce their datagrams (until the kernel refused a segmented send). */
    boolean segmentation() {
        return segmentation;
    }

    /**
     * A segmented send failed (the route's device cannot offload checksums, or the kernel refused it): from now on
     * every datagram goes alone. Returns whether segmentation was on until now.
     */
    boolean turnOff() {
        boolean was = segmentation;
        segmentation = false;
        return was;
    }

    /** {@code coalescer} started a batch; {@link #writeAll} will write it. */
    void add(UdpCoalescer coalescer) {
        if (count == waiting.length) {
            waiting = Arrays.copyOf(waiting, count * 2);
        }
        waiting[count++] = coalescer;
    }

    /** A batch of {@code datagrams} (more than one) went out as one segmented send. */
    void countSegmented(int datagrams) {
        segmentedSends++;
        segmentedDatagrams += datagrams;
    }

    /** Segmented sends written so far. */
    long segmentedSends() {
        return segmentedSends;
    }

    /** Datagrams those carried. */
    long segmentedDatagrams() {
        return segmentedDatagrams;
    }

    /** Writes every waiting batch to the socket's outbound buffer (the caller flushes). */
    void writeAll() {
        for (int i = 0; i < count; i++) {
            waiting[i].writeBatch();
            waiting[i] = null;
        }
        count = 0;
    }
}
