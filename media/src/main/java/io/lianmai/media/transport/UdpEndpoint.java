package io.lianmai.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/** A remote UDP address reached through the shared media socket. */
final class UdpEndpoint implements MediaEndpoint {
    private final Channel channel;
    private final InetSocketAddress remote;
    private final TrafficCounters traffic;
    private boolean pending;

    UdpEndpoint(Channel channel, InetSocketAddress remote, TrafficCounters traffic) {
        this.channel = channel;
        this.remote = remote;
        this.traffic = traffic;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        ByteBuf out = channel.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        // Straight to the transport: the socket's pipeline has no outbound handler, and going through it costs a
        // context walk and a leak-detector touch per datagram. We are on the channel's event loop, as unsafe needs.
        channel.unsafe().write(new DatagramPacket(out, remote), channel.voidPromise());
        pending = true;
        traffic.sent(len);
    }

    @Override
    public void flush() {
        if (pending) {
            pending = false;
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
