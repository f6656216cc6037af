package io.lianmai.live.hls;

import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens {@link FfmpegTsMuxer}s and counts those still open: each holds native memory, so the count shows a leak (for
 * tests, and for metrics later). The count belongs to this factory, not to the JVM, so packagers (and tests running
 * side by side) do not see each other's muxers.
 *
 * <p>Thread-safe: streams open and close their muxers on their publishers' threads.
 */
final class FfmpegTsMuxers implements TsMuxer.Factory {
    private final AtomicInteger open = new AtomicInteger();

    @Override
    public TsMuxer open(AvcDecoderConfigurationRecord video, AudioSpecificConfig audio) throws HlsException {
        return FfmpegTsMuxer.open(video, audio, open);
    }

    /** Muxers this factory opened that are not closed yet. */
    int openCount() {
        return open.get();
    }
}
