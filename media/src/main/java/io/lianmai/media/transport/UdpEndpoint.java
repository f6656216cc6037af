package io.lianmai.media.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * A remote UDP address reached through the shared media socket. With segmentation on ({@link UdpBatches}), the
 * datagrams sent to it between two flushes of the socket are coalesced into segmented sends ({@link UdpCoalescer}).
 */
final class UdpEndpoint implements MediaEndpoint {
    private final Channel channel;
    private final InetSocketAddress remote;
    private final TrafficCounters traffic;
    private final UdpCoalescer coalescer;

    UdpEndpoint(Channel channel, InetSocketAddress remote, TrafficCounters traffic, UdpBatches batches) {
        this.channel = channel;
        this.remote = remote;
        this.traffic = traffic;
        this.coalescer = new UdpCoalescer(channel, remote, batches);
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        traffic.sent(len);
        coalescer.send(buf, off, len);
    }

    @Override
    public void flush() {
        if (coalescer.writeAndTakePending()) {
            channel.flush();
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }
}
