package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.amf.Amf0EcmaArray;
import io.lianmai.live.amf.Amf0Encoder;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.live.rtmp.RtmpMessageType;
import io.lianmai.live.rtmp.RtmpPushClient;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * About 100 HTTP-FLV players on one RTMP-published stream (~3 Mbit/s), 30 of which never read, so their TCP windows
 * fill: they are dropped and disconnected once {@code live.maxPlayerBacklogBytes} (1 MiB here) is queued, the 70 good
 * readers keep receiving throughout, and the memory the stuck players pin stays bounded by the backlog limit, because
 * every player shares the same tag buffers (no per-player copy).
 */
class ManyFlvPlayersIT {
    private static final Logger LOG = LoggerFactory.getLogger(ManyFlvPlayersIT.class);
    private static final long BACKLOG = 1024 * 1024;
    private static final int GOOD = 70;
    private static final int STALLED = 30;
    private static final int FPS = 25;

    @Test
    void stalledPlayersAreDroppedAtTheBacklogLimitWhileGoodOnesPlayOnInBoundedMemory() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        List<Reader> good = new ArrayList<>();
        List<Socket> stalled = new ArrayList<>();
        try (TestServer server = TestServer.start(Map.of("live.maxPlayerBacklogBytes", Long.toString(BACKLOG)))) {
            String stream = server.sdkAppId() + "_8094_anchor_main";
            RtmpPushClient publisher = publish(server, group, stream);
            SyntheticStream source = new SyntheticStream(publisher);
            clock.scheduleAtFixedRate(source::tick, 0, 1000 / FPS, TimeUnit.MILLISECONDS);
            LiveStreamHubs.awaitLive(server, stream);
            Thread.sleep(2000);
            Memory baseline = Memory.now();
            long heapBaseline = heapAfterGc();
            long heapPeak = heapBaseline;

            int httpPort = server.server().httpPort();
            for (int i = 0; i < GOOD + STALLED; i++) {
                if (i % 10 < 7) {
                    good.add(Reader.start(httpPort, stream + ".flv?" + server.playQuery(stream)));
                } else {
                    stalled.add(stalledPlayer(httpPort, stream + ".flv?" + server.playQuery(stream)));
                }
            }
            LivePlaybackIT.await(() -> server.server().live().hub().playerCount(stream) == GOOD + STALLED);

            Memory peak = baseline;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long nextGc = System.nanoTime();
            while (server.server().live().hub().playerCount(stream) > GOOD && System.nanoTime() < deadline) {
                peak = peak.max(Memory.now());
                if (System.nanoTime() > nextGc) {
                    heapPeak = Math.max(heapPeak, heapAfterGc());
                    nextGc = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700);
                }
                Thread.sleep(100);
            }
            assertThat(server.server().live().hub().playerCount(stream)).as("players left after the drop")
                    .isEqualTo(GOOD);
            long[] bytesAtDrop = good.stream().mapToLong(r -> r.bytes.get()).toArray();

            for (int i = 0; i < 10; i++) {
                peak = peak.max(Memory.now());
                Thread.sleep(100);
            }
            for (int i = 0; i < good.size(); i++) {
                Reader reader = good.get(i);
                assertThat(reader.closed).as("good reader still open").isFalse();
                assertThat(reader.lastReadNanos.get()).as("good reader received within the last second")
                        .isGreaterThan(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
                assertThat(reader.maxGapMillis()).as("longest pause of a good reader, ms").isLessThan(1500);
                assertThat(reader.bytes.get()).as("good reader received after the drop").isGreaterThan(bytesAtDrop[i]);
            }
            for (Socket socket : stalled) {
                assertThat(drainsToEnd(socket)).as("the server closed a stalled player's connection").isTrue();
            }
            LOG.info("memory before: {}; peak while {} players stalled: {}; heap after GC {} -> {} KiB; source {} KiB/s",
                    baseline, STALLED, peak, heapBaseline / 1024, heapPeak / 1024, source.bytesPerSecond() / 1024);
            assertThat(peak.pinned() - baseline.pinned()).as("pooled bytes pinned by players")
                    .isLessThan(3 * BACKLOG + SyntheticStream.GOP_BYTES);
            assertThat(peak.direct() - baseline.direct()).as("direct memory growth")
                    .isLessThan(4 * BACKLOG + 16L * 1024 * 1024);
            assertThat(heapPeak - heapBaseline).as("live heap growth (after GC)")
                    .isLessThan(3 * BACKLOG + 8L * 1024 * 1024);
            clock.shutdownNow();
            publisher.close();
        } finally {
            clock.shutdownNow();
            for (Reader reader : good) {
                reader.socket.close();
            }
            for (Socket socket : stalled) {
                socket.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static RtmpPushClient publish(TestServer server, EventLoopGroup group, String stream) throws Exception {
        int port = server.server().live().rtmpPort();
        RtmpUrl url = RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/" + stream + "?usersig="
                + URLEncoder.encode(server.userSig("anchor"), StandardCharsets.UTF_8));
        return RtmpPushClient.connect(group, new InetSocketAddress("127.0.0.1", port), url,
                RtmpPushClient.Config.DEFAULT).get(10, TimeUnit.SECONDS);
    }

    /** Heap in use after a full collection: what is live, not garbage waiting. */
    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A player that sends its request and then never reads: a tiny receive window that fills at once. */
    private static Socket stalledPlayer(int port, String file) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.getOutputStream().write(("GET /live/" + file + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Reads what is left; true when the server had closed the connection (end of stream or reset). */
    private static boolean drainsToEnd(Socket socket) throws IOException {
        socket.setSoTimeout(200);
        byte[] buffer = new byte[65536];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // more may come
            } catch (SocketException e) {
                return true;
            }
        }
        return false;
    }

    /** A good player: reads everything on its own thread, noting when bytes arrive. */
    private static final class Reader {
        final Socket socket;
        final AtomicLong lastReadNanos = new AtomicLong(System.nanoTime());
        final AtomicLong bytes = new AtomicLong();
        volatile long maxGapNanos;
        volatile boolean closed;

        private Reader(Socket socket) {
            this.socket = socket;
        }

        static Reader start(int port, String file) throws IOException {
            Socket socket = new Socket("127.0.0.1", port);
            socket.getOutputStream().write(("GET /live/" + file + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Reader reader = new Reader(socket);
            Thread thread = new Thread(reader::run, "good-reader");
            thread.setDaemon(true);
            thread.start();
            return reader;
        }

        private void run() {
            byte[] buffer = new byte[65536];
            try {
                InputStream in = socket.getInputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    long now = System.nanoTime();
                    long gap = now - lastReadNanos.getAndSet(now);
                    if (bytes.get() > 0 && gap > maxGapNanos) {
                        maxGapNanos = gap;
                    }
                    bytes.addAndGet(n);
                }
            } catch (IOException e) {
                // closed by the test
            }
            closed = true;
        }

        long maxGapMillis() {
            return maxGapNanos / 1_000_000;
        }
    }

    /**
     * H.264-shaped and AAC-shaped FLV bodies at 25 fps: a 60 KB keyframe each second, 12 KB frames between, 256-byte
     * audio frames; about 3 Mbit/s. The bytes are not a real bitstream; the server only reads the tag headers.
     */
    private static final class SyntheticStream {
        static final long GOP_BYTES = 60_000 + (FPS - 1) * 12_000 + 45 * 256;
        private final RtmpPushClient publisher;
        private final long started = System.nanoTime();
        private final AtomicLong sent = new AtomicLong();
        private int frame;

        SyntheticStream(RtmpPushClient publisher) {
            this.publisher = publisher;
            ByteBuf metadata = Unpooled.buffer();
            Amf0Encoder.encode(metadata, new Amf0String("onMetaData"),
                    new Amf0EcmaArray(Map.of("width", Amf0Value.of(1280), "height", Amf0Value.of(720))));
            publisher.sendMetadata(0, metadata);
            publisher.send(RtmpMessageType.VIDEO, 0, Unpooled.wrappedBuffer(new byte[] {0x17, 0, 0, 0, 0, 1, 0x42}));
            publisher.send(RtmpMessageType.AUDIO, 0, Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 0, 0x12, 0x10}));
        }

        void tick() {
            long ts = frame * 1000L / FPS;
            boolean key = frame % FPS == 0;
            int size = key ? 60_000 : 12_000;
            ByteBuf video = Unpooled.buffer(size);
            video.writeByte(key ? 0x17 : 0x27).writeByte(1).writeMedium(0).writeZero(size - 5);
            publisher.send(RtmpMessageType.VIDEO, ts, video);
            for (int i = 0; i < 2; i++) {
                ByteBuf audio = Unpooled.buffer(256).writeByte(0xAF).writeByte(1).writeZero(254);
                publisher.send(RtmpMessageType.AUDIO, ts + i * 20, audio);
            }
            sent.addAndGet(size + 512);
            frame++;
        }

        long bytesPerSecond() {
            return sent.get() * 1_000_000_000L / Math.max(1, System.nanoTime() - started);
        }
    }

    /**
     * Memory the test watches: bytes pinned in the pooled allocator the hub's tags come from (in use, not cached), and
     * direct memory of the whole process.
     */
    private record Memory(long pinned, long direct, long heap) {
        static Memory now() {
            PooledByteBufAllocator pool = PooledByteBufAllocator.DEFAULT;
            long direct = PlatformDependent.usedDirectMemory();
            if (direct < 0) {
                direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                        .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            }
            Runtime runtime = Runtime.getRuntime();
            return new Memory(pool.pinnedDirectMemory() + pool.pinnedHeapMemory(), direct,
                    runtime.totalMemory() - runtime.freeMemory());
        }

        Memory max(Memory other) {
            return new Memory(Math.max(pinned, other.pinned), Math.max(direct, other.direct),
                    Math.max(heap, other.heap));
        }

        @Override
        public String toString() {
            return "pinned " + pinned / 1024 + " KiB, direct " + direct / 1024 + " KiB, heap " + heap / 1024 + " KiB";
        }
    }
}
