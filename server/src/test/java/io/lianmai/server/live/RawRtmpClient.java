package io.lianmai.server.live;

import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.live.rtmp.RtmpChunkDecoder;
import io.lianmai.live.rtmp.RtmpChunkEncoder;
import io.lianmai.live.rtmp.RtmpCommand;
import io.lianmai.live.rtmp.RtmpMessage;
import io.lianmai.live.rtmp.RtmpMessageType;
import io.lianmai.live.rtmp.SetChunkSize;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An RTMP peer under the test's full control: a plain socket, the project's chunk codec run on EmbeddedChannels to
 * turn messages into bytes and back, and raw bytes when a test wants to break the protocol.
 */
final class RawRtmpClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final EmbeddedChannel encoder = new EmbeddedChannel(new RtmpChunkEncoder());
    private final EmbeddedChannel decoder = new EmbeddedChannel(new RtmpChunkDecoder());
    private final ArrayDeque<RtmpMessage> received = new ArrayDeque<>();
    private double transaction = 1;

    private RawRtmpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    static RawRtmpClient connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(200);
        return new RawRtmpClient(socket);
    }

    /** C0+C1, then S0+S1+S2, then C2 (RTMP 5.2). */
    RawRtmpClient handshake() throws IOException {
        byte[] c0c1 = new byte[1537];
        ThreadLocalRandom.current().nextBytes(c0c1);
        c0c1[0] = 3;
        sendRaw(c0c1);
        byte[] s = readFully(3073);
        sendRaw(java.util.Arrays.copyOfRange(s, 1, 1537));
        return this;
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    void send(RtmpMessage message) throws IOException {
        encoder.writeOutbound(message);
        for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            sendRaw(bytes);
        }
    }

    void command(int streamId, String name, Amf0Value object, Amf0Value... args) throws IOException {
        send(new RtmpCommand(name, transaction++, object, List.of(args)).toMessage(streamId));
    }

    /** connect → _result, createStream → _result; returns the stream id. */
    int connectAndCreateStream(String app) throws IOException {
        send(new SetChunkSize(4096).toMessage());
        command(0, "connect", Amf0Object.builder().put("app", app).put("tcUrl", "rtmp://127.0.0.1/" + app).build());
        awaitCommand("_result", 5);
        command(0, "createStream", Amf0Null.INSTANCE);
        return (int) awaitCommand("_result", 5).argument(0).asNumber();
    }

    /** The next command named {@code name}, skipping other messages; fails after {@code seconds}. */
    RtmpCommand awaitCommand(String name, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            RtmpMessage m = next(deadline);
            if (m == null) {
                break;
            }
            try {
                if (m.typeId() == RtmpMessageType.COMMAND_AMF0) {
                    RtmpCommand c = RtmpCommand.decode(m);
                    if (c.name().equals(name)) {
                        return c;
                    }
                }
            } finally {
                m.release();
            }
        }
        throw new AssertionError("no " + name + " within " + seconds + " s");
    }

    /** The information object of the next onStatus. */
    Amf0Object awaitStatus(int seconds) throws IOException {
        return (Amf0Object) awaitCommand("onStatus", seconds).argument(0);
    }

    /** The next message of any kind, or null at the deadline or end of stream; the caller releases it. */
    RtmpMessage next(long deadlineNanos) throws IOException {
        byte[] buffer = new byte[65536];
        while (received.isEmpty()) {
            if (System.nanoTime() > deadlineNanos) {
                return null;
            }
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                return null;
            }
            decoder.writeInbound(Unpooled.copiedBuffer(buffer, 0, n));
            for (Object m; (m = decoder.readInbound()) != null; ) {
                received.add((RtmpMessage) m);
            }
        }
        return received.poll();
    }

    /** Whether the server closed the connection within {@code seconds} (reading and discarding what it sent). */
    boolean awaitClosed(int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        byte[] buffer = new byte[65536];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // keep waiting
            } catch (SocketException e) {
                return true; // reset
            }
        }
        return false;
    }

    private byte[] readFully(int length) throws IOException {
        byte[] out = new byte[length];
        int at = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (at < length) {
            try {
                int n = in.read(out, at, length - at);
                if (n < 0) {
                    throw new IOException("closed during the handshake after " + at + " bytes");
                }
                at += n;
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
        return out;
    }

    /** Goes away as a killed player does: the connection is reset (RST), not closed. */
    void resetConnection() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        received.forEach(RtmpMessage::release);
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
        socket.close();
    }
}
