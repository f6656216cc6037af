package io.lianmai.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/** An ICE-TCP connection (RFC 6544): packets framed with a 2-byte length (RFC 4571) by the pipeline's encoder. */
final class TcpEndpoint implements MediaEndpoint {
    /** Bytes queued on a connection beyond which packets are dropped: a stalled reader must not eat memory. */
    private static final long MAX_QUEUED_BYTES = 2 * 1024 * 1024;

    private final Channel channel;
    private final TrafficCounters traffic;
    private long dropped;

    TcpEndpoint(Channel channel, TrafficCounters traffic) {
        this.channel = channel;
        this.traffic = traffic;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (channel.unsafe().outboundBuffer() != null
                && channel.unsafe().outboundBuffer().totalPendingWriteBytes() > MAX_QUEUED_BYTES) {
            dropped++;
            return;
        }
        ByteBuf out = channel.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        // Flushed at once: packets forwarded from another connection's read would otherwise wait for the tick.
        channel.writeAndFlush(out, channel.voidPromise());
        if (channel.eventLoop().inEventLoop()) {
            // An egress lane that sends here counts the packet itself: the counters belong to the media loop.
            traffic.sent(len);
        }
    }

    @Override
    public void flush() {
        // Every send is flushed already.
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close();
    }

    long dropped() {
        return dropped;
    }

    Channel channel() {
        return channel;
    }
}
