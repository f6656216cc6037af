package io.lianmai.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Tries to play an RTMP stream as FFmpeg would (handshake, {@code connect}, {@code createStream}, {@code play}) and
 * says how the server answered: {@code started} (NetStream.Play.Start, or media arrived), {@code refused} (an error
 * status or {@code _error}), {@code closed}, or {@code no answer}. It reads the AMF0 strings in the raw stream rather
 * than decoding chunks: enough to tell a yes from a no.
 */
final class RtmpPlayProbe {
    private RtmpPlayProbe() {
    }

    static String play(int port, String app, String streamName, long waitMillis) {
        try (SocketChannel channel = RawSockets.open(new InetSocketAddress("127.0.0.1", port), 0)) {
            RawSockets.rtmpHandshake(channel);
            String tcUrl = "rtmp://127.0.0.1:" + port + "/" + app;
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            amfString(connect, "connect");
            amfNumber(connect, 1);
            connect.write(0x03);
            amfKey(connect, "app");
            amfString(connect, app);
            amfKey(connect, "tcUrl");
            amfString(connect, tcUrl);
            amfKey(connect, "flashVer");
            amfString(connect, "LNX 9,0,124,2");
            connect.write(new byte[] {0, 0, 9});
            ByteArrayOutputStream create = new ByteArrayOutputStream();
            amfString(create, "createStream");
            amfNumber(create, 2);
            create.write(0x05);
            ByteArrayOutputStream play = new ByteArrayOutputStream();
            amfString(play, "play");
            amfNumber(play, 0);
            play.write(0x05);
            amfString(play, streamName);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            // Our chunk size first, so no message below needs splitting.
            all.write(message(2, 1, 0, ByteBuffer.allocate(4).putInt(65_536).array()));
            all.write(message(3, 20, 0, connect.toByteArray()));
            all.write(message(3, 20, 0, create.toByteArray()));
            all.write(message(8, 20, 1, play.toByteArray()));
            RawSockets.writeFully(channel, all.toByteArray());
            channel.socket().setSoTimeout(250);
            InputStream in = channel.socket().getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[16 * 1024];
            long deadline = System.nanoTime() + waitMillis * 1_000_000L;
            while (System.nanoTime() < deadline) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    return verdict(seen, "closed");
                }
                seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                String v = verdict(seen, null);
                if (v != null) {
                    return v;
                }
            }
            return verdict(seen, "no answer");
        } catch (IOException e) {
            return "closed";
        }
    }

    private static String verdict(CharSequence seen, String otherwise) {
        String s = seen.toString();
        if (s.contains("NetStream.Play.Start")) {
            return "started";
        }
        if (s.contains("_error") || s.contains("NetStream.Play.Failed") || s.contains("StreamNotFound")
                || s.contains("Rejected") || s.contains("BadName")) {
            return "refused";
        }
        return otherwise;
    }

    /** One message in one type-0 chunk (the body fits the chunk size we set). */
    private static byte[] message(int chunkStream, int type, int messageStream, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(12 + body.length);
        b.put((byte) chunkStream).put(new byte[] {0, 0, 0});
        b.put((byte) (body.length >> 16)).put((byte) (body.length >> 8)).put((byte) body.length);
        b.put((byte) type);
        b.put((byte) messageStream).put((byte) 0).put((byte) 0).put((byte) 0);
        b.put(body);
        return b.array();
    }

    private static void amfString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(0x02);
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static void amfKey(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static void amfNumber(ByteArrayOutputStream out, double value) {
        out.write(0x00);
        out.writeBytes(ByteBuffer.allocate(8).putDouble(value).array());
    }
}
