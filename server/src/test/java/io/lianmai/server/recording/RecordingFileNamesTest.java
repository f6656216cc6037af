package io.lianmai.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingFileNamesTest {
    private static final SdkAppId APP = new SdkAppId(1_400_000_000L);
    private static final Instant START = Instant.parse("2026-12-07T15:01:02.345Z");

    @TempDir
    Path dir;

    @Test
    void aNameCarriesAppRoomUserStreamTracksAndStartAndReadsBack() {
        String name = RecordingFileNames.fileName(APP, RoomRef.parse("1234", null), "alice", "main", true, true,
                START, "mp4");
        assertThat(name).isEqualTo("1400000000_1234_alice_main_audio_video_20261207T150102345Z.mp4");
        RecordingFileNames.Parsed parsed = RecordingFileNames.parse(name).orElseThrow();
        assertThat(parsed).isEqualTo(new RecordingFileNames.Parsed("alice", "main", "audio_video", START));
        assertThat(RecordingFileNames.parse(RecordingFileNames.fileName(APP, RoomRef.parse("1", null), "b_ob.x@y",
                "aux", false, true, START, "m3u8")).orElseThrow())
                .isEqualTo(new RecordingFileNames.Parsed("b_ob.x@y", "aux", "video", START));
    }

    @Test
    void aMixedFileNameCarriesAppRoomMixTracksAndStartAndIsNotAUsersFile() {
        String name = RecordingFileNames.mixedFileName(APP, RoomRef.parse("1234", null), true, true, START, "mp4");
        assertThat(name).isEqualTo("1400000000_1234_mix_audio_video_20261207T150102345Z.mp4");
        assertThat(RecordingFileNames.parse(name)).contains(
                new RecordingFileNames.Parsed("", "mix", "audio_video", START));
        assertThat(RecordingFileNames.parse(RecordingFileNames.mixedFileName(APP, RoomRef.parse(null, "a_b"), true,
                false, START, "m3u8"))).contains(new RecordingFileNames.Parsed("", "mix", "audio", START));
        // A member whose userID is "mix" is still a member's file.
        assertThat(RecordingFileNames.parse(RecordingFileNames.fileName(APP, RoomRef.parse("1", null), "mix", "main",
                false, true, START, "mp4"))).contains(new RecordingFileNames.Parsed("mix", "main", "video", START));
        assertThat(RecordingFileNames.parse("1_2_mix_audio_video_x_20261207T150102345Z.mp4")).isEmpty();
    }

    @Test
    void strangeRoomsAndUsersNeverMakeAPathOfTheirOwn() throws Exception {
        List<String> garbage = List.of("../../etc/passwd", "..", ".", "/abs", "a/b\\c", "%2e%2e%2f", "x\u0000y",
                "con", "a b\tc\n", "房间~1", "~h12345678", "-", "%05d", "$(rm -rf /)", "a".repeat(64),
                "\u202Egnp.exe", "\uD83D\uDE00".repeat(16));
        LocalRecordingStorage storage = new LocalRecordingStorage(dir);
        for (String text : garbage) {
            String room = RecordingFileNames.fileName(APP, room(text), text, "main", true, false, START, "mp4");
            String name = RecordingFileNames.taskDirectory(APP, "0b6f6f0e-4f0c-4a57-9a0e-2d1d0bd7d3c1") + room;
            assertThat(RecordingFileNames.isSafeRelative(name)).as(text).isTrue();
            assertThat(name.split("/")).as(text).hasSize(3);
            assertThat(room.length()).as(text).isLessThan(255);
            assertThat(room).doesNotContain("%");
            Path file = storage.create(name);
            Files.writeString(file, "x");
            assertThat(file.normalize()).startsWith(dir.toAbsolutePath().normalize());
            String user = RecordingFileNames.parse(room).orElseThrow().userId();
            if (RecordingFileNames.escape(text).contains("~h")) {
                assertThat(user).as("cut and hashed: shown escaped").contains("~h");
            } else {
                assertThat(user).as(text).isEqualTo(text);
            }
        }
        assertThat(storage.list(APP.value() + "/0b6f6f0e-4f0c-4a57-9a0e-2d1d0bd7d3c1/")).hasSize(garbage.size());
    }

    /** The text as a strRoomID when TRTC allows it, else one with every odd character a strRoomID may hold. */
    private static RoomRef room(String text) {
        try {
            return RoomRef.parse(null, text);
        } catch (IllegalArgumentException e) {
            return RoomRef.parse(null, ".. %05d ~h1 !#$&()+-:;<=.>?@[]^_{}|~,");
        }
    }

    @Test
    void randomTextEscapesToSafeSegments() {
        Random random = new Random(17);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(80);
            for (int j = 0; j < length; j++) {
                text.append((char) random.nextInt(0x3000));
            }
            String escaped = RecordingFileNames.escape(text.toString());
            assertThat(escaped).matches("[A-Za-z0-9~-]{1," + RecordingFileNames.MAX_PART + "}");
            if (!escaped.contains("~h")) {
                assertThat(RecordingFileNames.unescape(escaped)).hasValue(
                        new String(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void theStorageRefusesNamesThatLeaveItsDirectory() {
        LocalRecordingStorage storage = new LocalRecordingStorage(dir);
        for (String name : List.of("../x.mp4", "a/../../x.mp4", "/etc/passwd", "a//b", "a/./b", "", "a/b c",
                "a/%2e%2e/b", "a\\..\\b")) {
            assertThat(RecordingFileNames.isSafeRelative(name)).as(name).isFalse();
            assertThatThrownBy(() -> storage.create(name)).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(RecordingFileNames.isTaskId("../../etc")).isFalse();
        assertThat(RecordingFileNames.isTaskId("0b6f6f0e-4f0c-4a57-9a0e-2d1d0bd7d3c1")).isTrue();
        assertThatThrownBy(() -> RecordingFileNames.taskDirectory(APP, "a/b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesThatAreNotRecordingsDoNotParse() {
        for (String name : List.of("x.mp4", "a_b_c_d_e.mp4", "1_2_3_main_audio_notatime.mp4", "noextension",
                "1_2_~zz_main_audio_20261207T150102345Z.mp4")) {
            if (name.contains("~zz")) {
                assertThat(RecordingFileNames.parse(name).orElseThrow().userId()).isEqualTo("~zz");
            } else {
                assertThat(RecordingFileNames.parse(name)).as(name).isEmpty();
            }
        }
    }
}
