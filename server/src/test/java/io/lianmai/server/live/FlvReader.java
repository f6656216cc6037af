package io.lianmai.server.live;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP-FLV player for tests: a raw socket GET, the chunked body decoded and split into FLV tags on its own thread,
 * each tag noted with its arrival time.
 */
final class FlvReader implements AutoCloseable {
    /** One tag as received: type, timestamp, the first body bytes, and when it arrived (System.nanoTime). */
    record Tag(int type, long timestamp, int size, byte[] head, long receivedNanos) {
        boolean isVideoKeyframe() {
            return type == 9 && head.length >= 2 && (head[0] & 0xF0) == 0x10 && head[1] == 1;
        }

        boolean isVideoConfig() {
            return type == 9 && head.length >= 2 && head[1] == 0;
        }

        boolean isVideoFrame() {
            return type == 9 && head.length >= 2 && head[1] != 0;
        }
    }

    private final Socket socket;
    private final Thread thread;
    final List<Tag> tags = new CopyOnWriteArrayList<>();
    volatile String statusLine;
    volatile boolean ended;
    volatile Throwable failure;

    private FlvReader(Socket socket, String name) {
        this.socket = socket;
        this.thread = new Thread(this::read, "flv-reader-" + name);
        this.thread.setDaemon(true);
    }

    /** Connects and starts reading {@code url} (http://127.0.0.1:port/live/x.flv[?query]). */
    static FlvReader open(URI url) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
        String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        FlvReader reader = new FlvReader(socket, url.getPath());
        reader.thread.start();
        return reader;
    }

    private void read() {
        try {
            InputStream in = socket.getInputStream();
            statusLine = line(in);
            boolean chunked = false;
            for (String header; !(header = line(in)).isEmpty(); ) {
                chunked |= header.toLowerCase().startsWith("transfer-encoding:") && header.contains("chunked");
            }
            if (!statusLine.contains(" 200 ")) {
                ended = true;
                return;
            }
            DataInputStream body = new DataInputStream(chunked ? new Dechunker(in) : in);
            byte[] header = new byte[13];
            body.readFully(header);
            while (true) {
                int type = body.readUnsignedByte();
                int size = (body.readUnsignedByte() << 16) | (body.readUnsignedByte() << 8) | body.readUnsignedByte();
                long ts = ((long) body.readUnsignedByte() << 16) | (body.readUnsignedByte() << 8)
                        | body.readUnsignedByte() | ((long) body.readUnsignedByte() << 24);
                body.skipNBytes(3);
                byte[] data = new byte[size];
                body.readFully(data);
                body.skipNBytes(4);
                byte[] head = java.util.Arrays.copyOf(data, Math.min(2, size));
                tags.add(new Tag(type, ts, size, head, System.nanoTime()));
            }
        } catch (EOFException e) {
            ended = true;
        } catch (IOException e) {
            if (!socket.isClosed()) {
                failure = e;
            }
            ended = true;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException();
            }
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** HTTP/1.1 chunked transfer coding (RFC 9112 section 7.1). */
    private static final class Dechunker extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean done;

        Dechunker(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (remaining == 0) {
                String size = line(in);
                if (size.isEmpty()) {
                    size = line(in);
                }
                remaining = Long.parseLong(size.split(";")[0].trim(), 16);
                if (remaining == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException();
            }
            remaining -= n;
            return n;
        }
    }

    /** Video frames (not configuration) received so far. */
    List<Tag> videoFrames() {
        return tags.stream().filter(Tag::isVideoFrame).toList();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
