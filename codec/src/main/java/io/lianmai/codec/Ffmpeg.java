package io.lianmai.codec;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;

/**
 * The FFmpeg libraries Lianmai transcodes and muxes with, loaded from the {@code org.bytedeco:ffmpeg} natives on the
 * class path (no system FFmpeg needed).
 */
public final class Ffmpeg {
    private static volatile boolean loaded;

    private Ffmpeg() {
    }

    /** Loads the natives once (a few hundred ms the first time); throws {@link CodecException} when they cannot load. */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (Ffmpeg.class) {
            if (loaded) {
                return;
            }
            try {
                Loader.load(avutil.class);
                Loader.load(avcodec.class);
                // bad input is counted by the transcoders; FFmpeg logging it per packet would flood stderr
                avutil.av_log_set_level(avutil.AV_LOG_FATAL);
                loaded = true;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                throw new CodecException("FFmpeg natives failed to load: " + e.getMessage(), e);
            }
        }
    }

    /** FFmpeg's version string, e.g. {@code 7.1.1}. */
    public static String version() {
        load();
        return avutil.av_version_info().getString();
    }

    /** Whether FFmpeg has an encoder of that name (e.g. {@code libopus}, {@code aac}, {@code libopenh264}). */
    public static boolean hasEncoder(String name) {
        load();
        return avcodec.avcodec_find_encoder_by_name(name) != null;
    }

    /** FFmpeg's text for a negative error code returned by one of its functions, e.g. "Invalid data found …". */
    public static String errorString(int error) {
        load();
        byte[] text = new byte[256];
        if (avutil.av_strerror(error, text, text.length) < 0) {
            return "FFmpeg error " + error;
        }
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8) + " (" + error + ")";
    }

    /** Whether FFmpeg has a decoder of that name (e.g. {@code aac}, {@code opus}, {@code vp8}, {@code h264}). */
    public static boolean hasDecoder(String name) {
        load();
        return avcodec.avcodec_find_decoder_by_name(name) != null;
    }
}
