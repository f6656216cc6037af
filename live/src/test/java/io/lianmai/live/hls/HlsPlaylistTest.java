package io.lianmai.live.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HlsPlaylistTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00.250Z");

    @Test
    void aLivePlaylistListsTheNewestSegmentsWithTheirWallClockTimes() {
        HlsPlaylist playlist = new HlsPlaylist(List.of(
                segment(41, 1000, 0, false, 0),
                segment(42, 1001, 1000, false, 0),
                segment(43, 999, 2001, false, 0),
                segment(44, 1040, 3000, false, 0)), 3, 1, false, Optional.empty());

        assertThat(playlist.render("room_1_anchor_main/")).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:1
                #EXT-X-MEDIA-SEQUENCE:42
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-PROGRAM-DATE-TIME:2025-06-01T12:00:01.250Z
                #EXTINF:1.001,
                room_1_anchor_main/42.ts
                #EXT-X-PROGRAM-DATE-TIME:2025-06-01T12:00:02.251Z
                #EXTINF:0.999,
                room_1_anchor_main/43.ts
                #EXT-X-PROGRAM-DATE-TIME:2025-06-01T12:00:03.250Z
                #EXTINF:1.040,
                room_1_anchor_main/44.ts
                """);
        assertThat(playlist.segment(41)).isPresent();
        assertThat(playlist.segment(45)).isEmpty();
        assertThat(playlist.segment(40)).isEmpty();
    }

    @Test
    void aSuffixFollowsEverySegmentUriSoSignedSegmentRequestsCarryTheSignature() {
        HlsPlaylist playlist = new HlsPlaylist(List.of(
                segment(1, 1000, 0, false, 0),
                segment(2, 1000, 1000, false, 0)), 3, 1, false, Optional.empty());

        assertThat(playlist.render("s/", "?txSecret=ab&txTime=CD").lines().filter(line -> !line.startsWith("#")))
                .containsExactly("s/1.ts?txSecret=ab&txTime=CD", "s/2.ts?txSecret=ab&txTime=CD");
    }

    @Test
    void anEndedPlaylistCountsTheDiscontinuitiesThatLeftIt() {
        HlsPlaylist playlist = new HlsPlaylist(List.of(
                segment(7, 2000, 0, true, 0),
                segment(8, 1500, 2000, true, 1),
                segment(9, 60, 3500, false, 2)), 2, 2, true, Optional.empty());

        assertThat(playlist.render("")).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:8
                #EXT-X-DISCONTINUITY-SEQUENCE:1
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-DISCONTINUITY
                #EXT-X-PROGRAM-DATE-TIME:2025-06-01T12:00:02.250Z
                #EXTINF:1.500,
                8.ts
                #EXT-X-PROGRAM-DATE-TIME:2025-06-01T12:00:03.750Z
                #EXTINF:0.060,
                9.ts
                #EXT-X-ENDLIST
                """);
    }

    @Test
    void anEmptyPlaylistHasNoSegments() {
        HlsPlaylist playlist = HlsPlaylist.empty(1);
        assertThat(playlist.isEmpty()).isTrue();
        assertThat(playlist.render("x/")).doesNotContain("#EXTINF").doesNotContain("#EXT-X-ENDLIST");
    }

    private static HlsSegment segment(long sequence, long duration, long startMillis, boolean discontinuity,
            long discontinuitiesBefore) {
        return new HlsSegment(sequence, duration, T0.plusMillis(startMillis), discontinuity, discontinuitiesBefore,
                new byte[188]);
    }
}
