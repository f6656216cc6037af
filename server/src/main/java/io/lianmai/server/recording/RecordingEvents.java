package io.lianmai.server.recording;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.store.AppLookup;
import io.lianmai.store.CallbackOutbox;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TRTC's cloud recording callbacks (EventGroupId 3) into the callback outbox, in the room's order with its other
 * events: 301 the recorder started, 302 it stopped, 310 a file is complete ({@code Payload.FileList}). Written only
 * while the app has a callback URL, as room events are. Called on recording threads; blocks on the database.
 */
public class RecordingEvents {
    /** EventGroupId of cloud recording. */
    public static final int GROUP = 3;
    /** CLOUD_RECORDING_RECORDER_START. */
    public static final int RECORDER_START = 301;
    /** CLOUD_RECORDING_RECORDER_STOP. */
    public static final int RECORDER_STOP = 302;
    /** CLOUD_RECORDING_MP4_STOP: TRTC's "a file is complete" (Lianmai sends it for every file, MP4 or HLS). */
    public static final int FILE_READY = 310;

    private static final Logger LOG = LoggerFactory.getLogger(RecordingEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Events that go nowhere (tests, a node without callbacks). */
    public static final RecordingEvents NONE = new RecordingEvents(null, null, () -> { });

    private final CallbackOutbox outbox;
    private final AppLookup apps;
    private final Runnable wake;

    /** @param wake tells the callback sender that rows were appended */
    public RecordingEvents(CallbackOutbox outbox, AppLookup apps, Runnable wake) {
        this.outbox = outbox;
        this.apps = apps;
        this.wake = wake;
    }

    /** A new Payload object to fill. */
    public static ObjectNode payload() {
        return JSON.createObjectNode();
    }

    /** Appends event {@code type} of task {@code taskId}; a failure is logged, never thrown (the recording goes on). */
    public void publish(SdkAppId sdkAppId, RoomRef room, int type, Instant at, String taskId, String userId,
            ObjectNode payload) {
        if (outbox == null) {
            return;
        }
        try {
            if (apps.find(sdkAppId).flatMap(app -> app.webhookUrl()).isEmpty()) {
                return;
            }
            ObjectNode info = JSON.createObjectNode();
            if (room.strRoomId().isPresent()) {
                info.put("RoomId", room.strRoomId().get());
            } else {
                info.put("RoomId", room.roomId());
            }
            info.put("EventTs", at.getEpochSecond());
            info.put("EventMsTs", at.toEpochMilli());
            info.put("UserId", userId);
            info.put("TaskId", taskId);
            info.set("Payload", payload);
            String text = info.toString();
            if (text.length() > CallbackOutbox.MAX_EVENT_INFO_LENGTH) {
                payload.remove("FileList");
                text = info.toString();
            }
            outbox.append(List.of(new CallbackOutbox.NewEvent(UUID.randomUUID().toString(), sdkAppId, room.key(),
                    GROUP, type, at.toEpochMilli(), text, CallbackOutbox.PresenceChange.NONE, null, null)));
            wake.run();
        } catch (RuntimeException e) {
            LOG.warn("cloud recording callback {} of task {} not recorded: {}", type, taskId, e.getMessage());
        }
    }
}
