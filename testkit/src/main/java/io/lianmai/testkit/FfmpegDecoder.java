package io.lianmai.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ffmpeg as a player that reports what it decoded: it plays a stream (HTTP-FLV, RTMP, HLS or a file) for a while
 * and writes every decoded video frame, shrunk to {@value #WIDTH}×{@value #HEIGHT} grey, as raw video and the audio
 * as mono 16-bit PCM. A test then counts frames and listens to the tone, which says what a viewer sees and hears;
 * a codec name from ffprobe only says what the stream header claims.
 *
 * <p>Frame presentation times come from ffmpeg's {@code showinfo} and {@code ashowinfo} filters, which log each
 * frame's {@code pts_time} on the input's clock, so audio and video times can be compared with each other.
 */
public final class FfmpegDecoder {
    /** Width of the frames written, pixels: small, since only brightness and count are kept. */
    public static final int WIDTH = 32;
    /** Height of the frames written, pixels. */
    public static final int HEIGHT = 18;
    /** Sample rate of the PCM written, Hz: the rate both AAC (resampled) and Opus decode to without loss. */
    public static final int SAMPLE_RATE = 48_000;

    private static final Pattern VIDEO_FRAME = Pattern.compile("Parsed_showinfo_\\d+ @ [^]]*\\] n:\\s*\\d+ .*?"
            + "pts_time:(-?[0-9.e+-]+)");
    private static final Pattern AUDIO_FRAME = Pattern.compile("Parsed_ashowinfo_\\d+ @ [^]]*\\] n:\\s*\\d+ .*?"
            + "pts_time:(-?[0-9.e+-]+)");

    private final Path ffmpeg;
    private final Path dir;

    /**
     * @param ffmpeg the ffmpeg binary (see {@link #find()})
     * @param dir    where the decoded files and ffmpeg's log go (a test's temporary folder)
     */
    public FfmpegDecoder(Path ffmpeg, Path dir) {
        this.ffmpeg = ffmpeg;
        this.dir = dir;
    }

    /** Debian's ffmpeg; skips the test loudly, or fails it under CI, when it is missing. */
    public static FfmpegDecoder find(Path dir) {
        return new FfmpegDecoder(ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg"), dir);
    }

    /**
     * Plays {@code url} for {@code length} of stream time and returns what was decoded. ffmpeg gives up on a stalled
     * input after 10 s, and is killed if the whole run takes longer than {@code length} + {@code slack}.
     *
     * @throws AssertionError if ffmpeg could not open the input or decoded no video or no audio
     */
    public DecodedMedia decode(String url, Duration length, Duration slack) throws IOException, InterruptedException {
        return decode(url, length, slack, "", "");
    }

    /**
     * Decodes like {@link #decode(String, Duration, Duration)} a part of the stream: {@code videoFilter} (an ffmpeg
     * filter chain ending in a comma, e.g. {@code "crop=320:180:0:0,"}, or empty) picks the picture's part before it
     * is measured, {@code audioFilter} (likewise, e.g. a band-pass around one member's tone) the sound's.
     */
    public DecodedMedia decode(String url, Duration length, Duration slack, String videoFilter, String audioFilter)
            throws IOException, InterruptedException {
        Path video = Files.createTempFile(dir, "decoded", ".gray");
        Path audio = Files.createTempFile(dir, "decoded", ".s16le");
        Path log = Files.createTempFile(dir, "decoded", ".log");
        List<String> command = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y"));
        if (url.contains("://") && !url.startsWith("file:")) {
            command.addAll(List.of("-rw_timeout", "10000000"));
        }
        // -t before -i bounds what is read, so it holds for both outputs.
        command.addAll(List.of("-t", seconds(length), "-i", url,
                "-map", "0:v:0", "-vf", videoFilter + "scale=" + WIDTH + ":" + HEIGHT + ",format=gray,showinfo",
                "-fps_mode", "passthrough", "-f", "rawvideo", video.toString(),
                "-map", "0:a:0", "-af", "ashowinfo," + audioFilter + "aresample=" + SAMPLE_RATE, "-ac", "1", "-f", "s16le",
                audio.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(length.plus(slack).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        double[] times = times(VIDEO_FRAME, output);
        double[] audioTimes = times(AUDIO_FRAME, output);
        byte[] pixels = Files.readAllBytes(video);
        int frames = Math.min(times.length, pixels.length / (WIDTH * HEIGHT));
        if (frames == 0 || audioTimes.length == 0) {
            throw new AssertionError("ffmpeg decoded " + frames + " video frames and " + audioTimes.length
                    + " audio frames from " + url + ":\n" + tail(output));
        }
        double[] brightness = new double[frames];
        for (int f = 0; f < frames; f++) {
            long sum = 0;
            for (int i = f * WIDTH * HEIGHT; i < (f + 1) * WIDTH * HEIGHT; i++) {
                sum += pixels[i] & 0xFF;
            }
            brightness[f] = (double) sum / (WIDTH * HEIGHT);
        }
        double[] frameTimes = new double[frames];
        System.arraycopy(times, 0, frameTimes, 0, frames);
        return new DecodedMedia(frameTimes, brightness, pcm(Files.readAllBytes(audio)), SAMPLE_RATE, audioTimes[0]);
    }

    /**
     * Decodes like {@link #decode} until {@code enough} holds or {@code within} passes, retrying while the stream is
     * not there yet (a player that starts before the publisher does sees "stream not found").
     */
    public DecodedMedia decodeWhenLive(String url, Duration length, Duration within) throws InterruptedException,
            IOException {
        return decodeWhenLive(url, length, within, "", "");
    }

    /** {@link #decodeWhenLive(String, Duration, Duration)} of a part of the stream, as {@link #decode} with filters. */
    public DecodedMedia decodeWhenLive(String url, Duration length, Duration within, String videoFilter,
            String audioFilter) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + within.toNanos();
        AssertionError last = null;
        for (int attempt = 0; attempt < 20 && System.nanoTime() < deadline; attempt++) {
            try {
                return decode(url, length, Duration.ofSeconds(20), videoFilter, audioFilter);
            } catch (AssertionError notYet) {
                last = notYet;
                Thread.sleep(500);
            }
        }
        throw last != null ? last : new AssertionError("no attempt to decode " + url + " within " + within);
    }

    private static double[] times(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        List<Double> times = new ArrayList<>();
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)));
        }
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static short[] pcm(byte[] bytes) {
        short[] samples = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return samples;
    }

    private static String seconds(Duration length) {
        return String.format(Locale.ROOT, "%.3f", length.toMillis() / 1000.0);
    }

    private static String tail(String output) {
        return output.length() <= 3000 ? output : output.substring(output.length() - 3000);
    }
}
