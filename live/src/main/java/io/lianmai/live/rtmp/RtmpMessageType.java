package io.lianmai.live.rtmp;

/** RTMP message type ids (RTMP 1.0 sections 5.4 and 7.1). */
public final class RtmpMessageType {
    /** Set Chunk Size, section 5.4.1. */
    public static final int SET_CHUNK_SIZE = 1;
    /** Abort Message, section 5.4.2. */
    public static final int ABORT = 2;
    /** Acknowledgement, section 5.4.3. */
    public static final int ACKNOWLEDGEMENT = 3;
    /** User Control Message, sections 6.2 and 7.1.7. */
    public static final int USER_CONTROL = 4;
    /** Window Acknowledgement Size, section 5.4.4. */
    public static final int WINDOW_ACKNOWLEDGEMENT_SIZE = 5;
    /** Set Peer Bandwidth, section 5.4.5. */
    public static final int SET_PEER_BANDWIDTH = 6;
    /** Audio message (an FLV audio tag body), section 7.1.4. */
    public static final int AUDIO = 8;
    /** Video message (an FLV video tag body; enhanced RTMP for HEVC/AV1), section 7.1.5. */
    public static final int VIDEO = 9;
    /** Data message, AMF3, section 7.1.2. */
    public static final int DATA_AMF3 = 15;
    /** Shared object, AMF3, section 7.1.3. */
    public static final int SHARED_OBJECT_AMF3 = 16;
    /** Command message, AMF3 (an AMF0 body after one format byte), section 7.1.1. */
    public static final int COMMAND_AMF3 = 17;
    /** Data message, AMF0 ({@code @setDataFrame}, {@code onMetaData}), section 7.1.2. */
    public static final int DATA_AMF0 = 18;
    /** Shared object, AMF0, section 7.1.3. */
    public static final int SHARED_OBJECT_AMF0 = 19;
    /** Command message, AMF0, section 7.1.1. */
    public static final int COMMAND_AMF0 = 20;
    /** Aggregate message, section 7.1.6. */
    public static final int AGGREGATE = 22;

    private RtmpMessageType() {
    }

    /** The chunk stream id this server sends a message type on: control on 2 (required by 5.4), commands on 3. */
    public static int defaultChunkStreamId(int typeId) {
        switch (typeId) {
            case SET_CHUNK_SIZE, ABORT, ACKNOWLEDGEMENT, USER_CONTROL, WINDOW_ACKNOWLEDGEMENT_SIZE,
                    SET_PEER_BANDWIDTH:
                return 2;
            case AUDIO:
                return 6;
            case VIDEO:
                return 7;
            case DATA_AMF0, DATA_AMF3:
                return 5;
            default:
                return 3;
        }
    }
}
