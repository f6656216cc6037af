package io.lianmai.codec.h264;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Keeps copies of everything an {@link H264RtpDepacketizer} delivers. */
final class RecordingListener implements H264AccessUnitListener {
    final List<byte[]> accessUnits = new ArrayList<>();
    final List<Long> timestamps = new ArrayList<>();
    final List<Boolean> keyframes = new ArrayList<>();
    final List<AvcDecoderConfigurationRecord> headers = new ArrayList<>();
    int keyframeRequests;

    @Override
    public void onAccessUnit(byte[] buf, int off, int len, long timestamp, boolean keyframe) {
        accessUnits.add(Arrays.copyOfRange(buf, off, off + len));
        timestamps.add(timestamp);
        keyframes.add(keyframe);
    }

    @Override
    public void onSequenceHeaderChanged(AvcDecoderConfigurationRecord record) {
        headers.add(record);
    }

    @Override
    public void onKeyframeNeeded() {
        keyframeRequests++;
    }
}
