package io.lianmai.live.rtmp;

import io.lianmai.live.amf.Amf0Encoder;
import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Number;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0StrictArray;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.amf.Amf0Value;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/** Builds the server's replies to commands (RTMP 1.0 section 7.2): {@code _result}, {@code _error}, {@code onStatus}. */
public final class RtmpResponses {
    /** The version string FMS-compatible clients look for; several refuse a connect result without one. */
    public static final String FMS_VERSION = "FMS/3,0,1,123";

    private RtmpResponses() {
    }

    /**
     * {@code _result} for connect (7.2.1.1) with NetConnection.Connect.Success. {@code fourCcList} (enhanced RTMP
     * v1, the codecs the server accepts among those the client listed) is included when non-empty.
     */
    public static RtmpMessage connectSuccess(double transactionId, double objectEncoding, List<String> fourCcList) {
        Amf0Object.Builder properties = Amf0Object.builder().put("fmsVer", FMS_VERSION).put("capabilities", 31.0)
                .put("mode", 1.0);
        if (!fourCcList.isEmpty()) {
            properties.put("fourCcList", new Amf0StrictArray(fourCcList.stream().map(s -> (Amf0Value) new Amf0String(s))
                    .toList()));
        }
        Amf0Object information = Amf0Object.builder().put("level", NetStatus.LEVEL_STATUS)
                .put("code", NetStatus.CONNECT_SUCCESS).put("description", "Connection succeeded.")
                .put("objectEncoding", objectEncoding).build();
        return new RtmpCommand(RtmpCommand.RESULT, transactionId, properties.build(), List.of(information))
                .toMessage(0);
    }

    /** {@code _result} with a null command object and the given values (createStream: the new stream id). */
    public static RtmpMessage result(double transactionId, Amf0Value... values) {
        return new RtmpCommand(RtmpCommand.RESULT, transactionId, Amf0Null.INSTANCE, List.of(values)).toMessage(0);
    }

    /** {@code _result} for createStream (7.2.1.3). */
    public static RtmpMessage createStreamResult(double transactionId, int streamId) {
        return result(transactionId, new Amf0Number(streamId));
    }

    /** {@code _error} with an error-level information object. */
    public static RtmpMessage error(double transactionId, String code, String description) {
        return new RtmpCommand(RtmpCommand.ERROR, transactionId, Amf0Null.INSTANCE,
                List.of(info(NetStatus.LEVEL_ERROR, code, description))).toMessage(0);
    }

    /** {@code onStatus} on message stream {@code streamId} (7.2.2). */
    public static RtmpMessage onStatus(int streamId, String level, String code, String description) {
        return new RtmpCommand(RtmpCommand.ON_STATUS, 0, Amf0Null.INSTANCE,
                List.of(info(level, code, description))).toMessage(streamId);
    }

    /** The {@code |RtmpSampleAccess} data message players expect after NetStream.Play.Start. */
    public static RtmpMessage sampleAccess(int streamId) {
        ByteBuf body = Unpooled.buffer(32);
        Amf0Encoder.encode(body, new Amf0String("|RtmpSampleAccess"), Amf0Value.of(true), Amf0Value.of(true));
        return RtmpMessage.of(RtmpMessageType.DATA_AMF0, streamId, 0, body);
    }

    private static Amf0Object info(String level, String code, String description) {
        return Amf0Object.builder().put("level", level).put("code", code).put("description", description).build();
    }
}
