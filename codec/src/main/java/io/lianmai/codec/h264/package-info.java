/**
 * H.264 bitstream and RTP payload handling for the bridges: NAL unit types ({@link io.lianmai.wire.h264.NalUnit}),
 * Annex-B/AVCC framing ({@link io.lianmai.codec.h264.NalUnits}, {@link io.lianmai.codec.h264.AnnexB}), the SPS
 * fields containers need ({@link io.lianmai.codec.h264.SequenceParameterSet}), the AVC configuration record of FLV and
 * MP4 ({@link io.lianmai.codec.h264.AvcDecoderConfigurationRecord}), and RFC 6184 packetization ({@link
 * io.lianmai.codec.h264.H264RtpPacketizer}, {@link io.lianmai.codec.h264.H264RtpDepacketizer}).
 *
 * <p>Parsers of signalling-rate structures (SPS, configuration record) throw {@link io.lianmai.codec.CodecException}
 * on malformed input; the packet path (scanning, packetizing, depacketizing) counts and drops instead of throwing.
 */
package io.lianmai.codec.h264;
