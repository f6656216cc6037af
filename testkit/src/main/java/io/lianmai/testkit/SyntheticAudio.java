package io.lianmai.testkit;

import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A microphone for libwebrtc peers: a 440 Hz tone, 48 kHz mono 16-bit, pushed in 10 ms chunks. */
public final class SyntheticAudio implements AutoCloseable {
    private static final int SAMPLE_RATE = 48_000;
    private static final int FRAMES_PER_CHUNK = SAMPLE_RATE / 100;
    private static final double TONE_HZ = 440;

    private final CustomAudioSource source = new CustomAudioSource();
    private final ScheduledExecutorService clock;
    private final byte[] chunk = new byte[FRAMES_PER_CHUNK * 2];
    private long sample;

    public SyntheticAudio() {
        clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "synthetic-audio");
            thread.setDaemon(true);
            return thread;
        });
        clock.scheduleAtFixedRate(this::pushChunk, 0, 10, TimeUnit.MILLISECONDS);
    }

    /** The source to make an audio track from. */
    public CustomAudioSource source() {
        return source;
    }

    private void pushChunk() {
        for (int i = 0; i < FRAMES_PER_CHUNK; i++) {
            short value = (short) (Math.sin(2 * Math.PI * TONE_HZ * sample++ / SAMPLE_RATE) * 8000);
            chunk[2 * i] = (byte) value;
            chunk[2 * i + 1] = (byte) (value >> 8);
        }
        source.pushAudio(chunk, 16, SAMPLE_RATE, 1, FRAMES_PER_CHUNK);
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
