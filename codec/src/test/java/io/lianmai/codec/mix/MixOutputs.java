package io.lianmai.codec.mix;

import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.flv.FlvAudioTagHeader;
import io.lianmai.codec.flv.FlvVideoTagHeader;
import io.lianmai.codec.h264.AnnexB;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264AccessUnitListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Collects a mixer's outputs (copies) and writes them as an FLV file for ffmpeg/ffprobe. */
final class MixOutputs implements H264AccessUnitListener {
    record Unit(long timestamp, boolean key, byte[] data) {
    }

    final List<Unit> video = new ArrayList<>();
    final List<Unit> aac = new ArrayList<>();
    final List<Unit> opus = new ArrayList<>();
    AvcDecoderConfigurationRecord record;

    @Override
    public void onAccessUnit(byte[] buf, int off, int len, long timestamp, boolean keyframe) {
        video.add(new Unit(timestamp, keyframe, Arrays.copyOfRange(buf, off, off + len)));
    }

    @Override
    public void onSequenceHeaderChanged(AvcDecoderConfigurationRecord r) {
        if (record == null) {
            record = r;
        }
    }

    void onAac(byte[] buf, int off, int len, long ms) {
        aac.add(new Unit(ms, true, Arrays.copyOfRange(buf, off, off + len)));
    }

    void onOpus(byte[] buf, int off, int len, long ts) {
        opus.add(new Unit(ts, true, Arrays.copyOfRange(buf, off, off + len)));
    }

    List<byte[]> annexB() {
        List<byte[]> out = new ArrayList<>();
        for (Unit u : video) {
            out.add(AnnexB.fromAvcc(u.data(), 0, u.data().length, 4));
        }
        return out;
    }

    static List<byte[]> bytes(List<Unit> units) {
        return units.stream().map(Unit::data).toList();
    }

    /** An FLV file: header, both sequence headers at 0, then video (90 kHz → ms) and AAC tags in time order. */
    void writeFlv(Path path, AudioSpecificConfig asc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0});
        tag(out, 9, 0, FlvVideoTagHeader.sequenceHeaderBody(record));
        tag(out, 8, 0, FlvAudioTagHeader.sequenceHeaderBody(asc));
        int v = 0;
        int a = 0;
        while (v < video.size() || a < aac.size()) {
            long vt = v < video.size() ? video.get(v).timestamp() / 90 : Long.MAX_VALUE;
            long at = a < aac.size() ? aac.get(a).timestamp() : Long.MAX_VALUE;
            if (vt <= at) {
                Unit u = video.get(v++);
                tag(out, 9, vt, FlvVideoTagHeader.naluBody(u.key(), 0, u.data(), 0, u.data().length));
            } else {
                Unit u = aac.get(a++);
                tag(out, 8, at, FlvAudioTagHeader.rawBody(u.data(), 0, u.data().length));
            }
        }
        Files.write(path, out.toByteArray());
    }

    private static void tag(ByteArrayOutputStream out, int type, long ms, byte[] body) {
        int n = body.length;
        out.write(type);
        out.write(n >> 16);
        out.write(n >> 8);
        out.write(n);
        out.write((int) (ms >> 16));
        out.write((int) (ms >> 8));
        out.write((int) ms);
        out.write((int) (ms >> 24));
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(body, 0, n);
        int size = n + 11;
        out.write(size >> 24);
        out.write(size >> 16);
        out.write(size >> 8);
        out.write(size);
    }
}
