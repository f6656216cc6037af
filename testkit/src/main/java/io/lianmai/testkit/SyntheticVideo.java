package io.lianmai.testkit;

import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A camera for libwebrtc peers: I420 frames with a moving bar and the frame number drawn as a row of black and
 * white blocks (so a receiver could read it back), pushed into a {@link CustomVideoSource} at a fixed rate.
 */
public final class SyntheticVideo implements AutoCloseable {
    private static final int COUNTER_BITS = 16;

    private final CustomVideoSource source = new CustomVideoSource();
    private final ScheduledExecutorService clock;
    private final int width;
    private final int height;
    private long frameNumber;

    /** Starts pushing {@code fps} frames per second of {@code width}×{@code height}. */
    public SyntheticVideo(int width, int height, int fps) {
        this.width = width;
        this.height = height;
        this.clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "synthetic-video");
            thread.setDaemon(true);
            return thread;
        });
        clock.scheduleAtFixedRate(this::pushFrame, 0, 1_000_000 / fps, TimeUnit.MICROSECONDS);
    }

    /** The source to make a video track from. */
    public CustomVideoSource source() {
        return source;
    }

    private void pushFrame() {
        NativeI420Buffer buffer = NativeI420Buffer.allocate(width, height);
        try {
            paint(buffer, frameNumber++);
            VideoFrame frame = new VideoFrame(buffer, System.nanoTime());
            source.pushFrame(frame);
            frame.release();
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
    }

    private void paint(NativeI420Buffer buffer, long number) {
        ByteBuffer y = buffer.getDataY();
        int stride = buffer.getStrideY();
        int bar = (int) ((number * 8) % width);
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                int value = (col >= bar && col < bar + 16) ? 235 : 16 + ((row + col + (int) number) & 0x3F);
                y.put(row * stride + col, (byte) value);
            }
        }
        int block = Math.max(1, width / COUNTER_BITS);
        for (int bit = 0; bit < COUNTER_BITS; bit++) {
            byte value = (byte) (((number >> bit) & 1) != 0 ? 235 : 16);
            for (int row = 0; row < Math.min(block, height); row++) {
                for (int col = bit * block; col < (bit + 1) * block && col < width; col++) {
                    y.put(row * stride + col, value);
                }
            }
        }
        fill(buffer.getDataU(), buffer.getStrideU() * ((height + 1) / 2), (byte) (128 + (number & 0x1F)));
        fill(buffer.getDataV(), buffer.getStrideV() * ((height + 1) / 2), (byte) 128);
    }

    private static void fill(ByteBuffer plane, int length, byte value) {
        for (int i = 0; i < length && i < plane.capacity(); i++) {
            plane.put(i, value);
        }
    }

    /** Frames pushed so far. */
    public long framesPushed() {
        return frameNumber;
    }

    @Override
    public void close() {
        clock.shutdownNow();
        try {
            clock.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.dispose();
    }
}
