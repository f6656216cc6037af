package io.lianmai.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;

/**
 * What one socket sends to one address between two flushes, coalesced ({@link UdpBatches}): the datagrams are
 * appended, in order, to one buffer written as one segmented send. Every datagram of a batch but the last has the
 * first one's size, the last may be shorter (what {@code UDP_SEGMENT} requires), so a batch ends at a shorter
 * datagram, and a longer one starts the next. The receiver gets the same datagrams either way.
 *
 * <p>Owned by the socket's event loop (the media loop's {@link UdpEndpoint}, or an {@link EgressLane} for one
 * target): no locks.
 */
final class UdpCoalescer {
    /**
     * Room for a batch: a pooled size class the loop's thread cache keeps, ten 1,222-byte SRTP packets. A fan-out
     * flush holds a few packets per player (one receive burst: a paced frame is ~4), so more would rarely fill.
     */
    static final int BATCH_BYTES = 12 * 1024;
    /** The kernel refuses more than 64 segments in one send (UDP_MAX_SEGMENTS, 128 since Linux 6.1). */
    static final int MAX_SEGMENTS = 32;
    /**
     * Larger datagrams go alone: a segment must fit the route's MTU (the kernel refuses the whole send otherwise),
     * and 1,400 bytes fit Ethernet's 1,500 over IPv6. Browsers' RTP stays under ~1,250 bytes with its SRTP tag.
     */
    static final int MAX_SEGMENT_SIZE = 1400;

    private final Channel channel;
    private final InetSocketAddress remote;
    private final UdpBatches batches;
    /** Written to the channel's outbound buffer since the last flush. */
    private boolean pending;

    /** The batch being coalesced, or null. */
    private ByteBuf batch;
    private int segmentSize;
    private int segments;
    /** The batch ended with a datagram shorter than its segment size: nothing more can join it. */
    private boolean closed;

    UdpCoalescer(Channel channel, InetSocketAddress remote, UdpBatches batches) {
        this.channel = channel;
        this.remote = remote;
        this.batches = batches;
    }

    /** Copies the datagram into the batch, or writes what it ends and starts the next; the caller flushes. */
    void send(byte[] buf, int off, int len) {
        if (batch != null) {
            if (!closed && len <= segmentSize && segments < MAX_SEGMENTS && batch.writableBytes() >= len) {
                batch.writeBytes(buf, off, len);
                segments++;
                closed = len < segmentSize;
                return;
            }
            writeBatch();
        }
        if (batches.segmentation() && len <= MAX_SEGMENT_SIZE) {
            batch = channel.alloc().directBuffer(BATCH_BYTES, BATCH_BYTES);
            batch.writeBytes(buf, off, len);
            segmentSize = len;
            segments = 1;
            closed = false;
            batches.add(this);
            return;
        }
        ByteBuf out = channel.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        write(new DatagramPacket(out, remote));
    }

    /** Writes the batch, if any, to the socket's outbound buffer: one datagram alone, more as one segmented send. */
    void writeBatch() {
        ByteBuf coalesced = batch;
        if (coalesced == null) {
            return;
        }
        batch = null;
        if (segments == 1) {
            write(new DatagramPacket(coalesced, remote));
        } else {
            batches.countSegmented(segments);
            write(new SegmentedDatagramPacket(coalesced, segmentSize, remote));
        }
    }

    private void write(DatagramPacket datagram) {
        // Straight to the transport: the socket's pipeline has no outbound handler, and going through it costs a
        // context walk and a leak-detector touch per datagram. We are on the channel's event loop, as unsafe needs.
        channel.unsafe().write(datagram, channel.voidPromise());
        pending = true;
    }

    /** Writes the batch, and whether anything was written since the last call (the caller flushes the channel). */
    boolean writeAndTakePending() {
        writeBatch();
        boolean was = pending;
        pending = false;
        return was;
    }
}
