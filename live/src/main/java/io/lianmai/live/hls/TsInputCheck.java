package io.lianmai.live.hls;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.NalUnits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * The checks between an FLV stream and a {@link TsMuxer}, so that garbage never reaches FFmpeg: the codec module's
 * parsers ({@link AvcDecoderConfigurationRecord}, {@link AudioSpecificConfig}, {@link NalUnits}) validate the
 * structure, and this adds what MPEG-TS carriage needs on top — NAL headers without the forbidden bit, and only the
 * AAC configurations an ADTS header can signal (ISO/IEC 13818-7 §6.2), since MPEG-TS carries AAC in ADTS frames.
 */
final class TsInputCheck {
    /** Longer AudioSpecificConfigs carry extensions ADTS cannot signal; read no further. */
    static final int MAX_AUDIO_SPECIFIC_CONFIG = 64;

    private TsInputCheck() {
    }

    /**
     * The decoder configuration of an AVC sequence header ({@code length} bytes of {@code body} at {@code index});
     * only reads {@code body}.
     *
     * @throws HlsException when the record is malformed (ISO/IEC 14496-15 §5.3.3.1: version, length size, counts,
     *         each length inside the record, NAL types 7/8) or a parameter set is a bare or forbidden NAL header
     */
    static AvcDecoderConfigurationRecord avcConfiguration(ByteBuf body, int index, int length) throws HlsException {
        AvcDecoderConfigurationRecord record;
        try {
            record = AvcDecoderConfigurationRecord.parse(ByteBufUtil.getBytes(body, index, length), 0, length);
        } catch (CodecException e) {
            throw new HlsException("AVC sequence header: " + e.getMessage());
        }
        checkParameterSets(record.sequenceParameterSets(), "SPS");
        checkParameterSets(record.pictureParameterSets(), "PPS");
        return record;
    }

    private static void checkParameterSets(List<byte[]> sets, String kind) throws HlsException {
        for (byte[] set : sets) {
            if (set.length < 2) {
                throw new HlsException("AVC sequence header: " + kind + " of " + set.length + " byte is a bare "
                        + "NAL header");
            }
            if ((set[0] & 0x80) != 0) {
                throw new HlsException("AVC sequence header: " + kind + " has its forbidden_zero_bit set");
            }
        }
    }

    /**
     * The AudioSpecificConfig of an AAC sequence header ({@code length} bytes of {@code body} at {@code index}),
     * if ADTS can carry it; only reads {@code body}.
     *
     * @throws HlsException when the config is malformed (ISO/IEC 14496-3 §1.6.2.1), or ADTS cannot signal it: an
     *         object type other than 1..4 (Main, LC, SSR, LTP; SBR/PS signalled explicitly over one of them), a rate
     *         without a sampling frequency index, a channel configuration other than 1..7, 960-sample frames, a core
     *         coder or extension fields
     */
    static AudioSpecificConfig aacConfiguration(ByteBuf body, int index, int length) throws HlsException {
        if (length > MAX_AUDIO_SPECIFIC_CONFIG) {
            throw new HlsException("AAC AudioSpecificConfig of " + length + " bytes is too long for ADTS");
        }
        AudioSpecificConfig config;
        try {
            config = AudioSpecificConfig.parse(ByteBufUtil.getBytes(body, index, length), 0, length);
        } catch (CodecException e) {
            throw new HlsException("AAC sequence header: " + e.getMessage());
        }
        if (config.objectType() < 1 || config.objectType() > 4) {
            throw new HlsException("AAC object type " + config.objectType() + " cannot be carried in ADTS");
        }
        if (AudioSpecificConfig.frequencyIndex(config.sampleRate()) < 0
                || (config.extensionSampleRate() > 0
                        && AudioSpecificConfig.frequencyIndex(config.extensionSampleRate()) < 0)) {
            throw new HlsException("AAC sampling rate " + config.sampleRate() + " Hz (SBR "
                    + config.extensionSampleRate() + " Hz) has no sampling frequency index for ADTS");
        }
        if (config.channelConfiguration() < 1 || config.channelConfiguration() > 7) {
            throw new HlsException("AAC channel configuration " + config.channelConfiguration()
                    + " cannot be carried in ADTS");
        }
        if (config.frameLengthFlag()) {
            throw new HlsException("AAC 960-sample frames cannot be carried in ADTS");
        }
        if (config.dependsOnCoreCoder() || config.extensionFlag()) {
            throw new HlsException("AAC with a core coder or extension flag cannot be carried in ADTS");
        }
        return config;
    }

    /**
     * The size of the access unit {@code nals} indexes (an AVCC scan) in Annex-B form, 4-byte start codes, 0 when
     * it holds no NAL unit.
     *
     * @throws HlsException when a NAL header has its forbidden_zero_bit set
     */
    static int annexBSize(NalUnits nals) throws HlsException {
        byte[] array = nals.array();
        int size = 0;
        for (int i = 0; i < nals.count(); i++) {
            if ((array[nals.offset(i)] & 0x80) != 0) {
                throw new HlsException("AVC NAL unit has its forbidden_zero_bit set");
            }
            size += 4 + nals.length(i);
        }
        return size;
    }
}
