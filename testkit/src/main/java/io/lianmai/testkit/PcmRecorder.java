package io.lianmai.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Keeps the last seconds of audio a test client decoded (libwebrtc's audio sink hands over 10 ms chunks of
 * interleaved 16-bit PCM), as mono, so a test can check the tone it hears with {@link ToneDetector}. Bounded: older
 * audio is overwritten. Thread-safe; called on libwebrtc's audio thread, read by the test.
 */
public final class PcmRecorder {
    private final int capacitySeconds;
    private short[] ring = new short[0];
    private int sampleRate;
    private long written;

    /** Keeps at most {@code capacitySeconds} of audio. */
    public PcmRecorder(int capacitySeconds) {
        this.capacitySeconds = capacitySeconds;
    }

    /**
     * Appends one chunk: {@code frames} samples per channel, {@code channels} interleaved, 16 bits little-endian
     * (the only width libwebrtc delivers; other widths are ignored). The first channel is kept. A change of sample
     * rate starts the recording again.
     */
    public synchronized void append(byte[] data, int bitsPerSample, int rate, int channels, int frames) {
        if (bitsPerSample != 16 || channels < 1 || rate <= 0) {
            return;
        }
        if (rate != sampleRate) {
            sampleRate = rate;
            ring = new short[capacitySeconds * rate];
            written = 0;
        }
        ByteBuffer pcm = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int available = Math.min(frames, data.length / (2 * channels));
        for (int i = 0; i < available; i++) {
            ring[(int) (written++ % ring.length)] = pcm.getShort(i * channels * 2);
        }
    }

    /** The sample rate of what was recorded, Hz (0 before anything was). */
    public synchronized int sampleRate() {
        return sampleRate;
    }

    /** The most recent {@code seconds} of audio (less when less was recorded), oldest first. */
    public synchronized short[] last(double seconds) {
        int wanted = (int) Math.min(Math.min(written, ring.length), Math.round(seconds * sampleRate));
        short[] out = new short[wanted];
        for (int i = 0; i < wanted; i++) {
            out[i] = ring[(int) ((written - wanted + i) % ring.length)];
        }
        return out;
    }

    /** The dominant frequency of the last second, Hz; see {@link ToneDetector#dominantFrequency}. */
    public double dominantFrequency(double minHz, double maxHz) {
        short[] second;
        int rate;
        synchronized (this) {
            second = last(1);
            rate = sampleRate;
        }
        if (rate == 0 || second.length < rate / 10) {
            throw new AssertionError("only " + second.length + " audio samples recorded: too few to hear a tone");
        }
        return ToneDetector.dominantFrequency(second, rate, minHz, maxHz);
    }
}
