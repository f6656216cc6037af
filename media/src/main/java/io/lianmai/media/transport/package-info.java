/**
 * The media plane's sockets: {@link io.lianmai.media.transport.MediaSockets} binds the UDP port and the ICE-TCP port
 * (RFC 6544, RFC 4571 framing) on the media loop, with the Netty bootstrap and handlers, and the
 * {@link io.lianmai.media.transport.EgressLane}s that protect and send on their own threads; the endpoints a
 * session sends to. What the sockets read goes to a {@link io.lianmai.media.transport.PacketReceiver} (the
 * demultiplexer). See {@code docs/media.md}.
 */
package io.lianmai.media.transport;
