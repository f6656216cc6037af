package io.lianmai.codec.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Template geometry (TRTC LayoutParams.Template 0–4) on a 1280×720 canvas. */
class MixLayoutTest {
    private static List<String> users(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("u" + i);
        }
        return out;
    }

    @Test
    void gridCellsFollowTheMemberCount() {
        int[][] expected = {{1, 1280, 720}, {2, 640, 720}, {3, 640, 360}, {4, 640, 360}, {5, 426, 360},
            {9, 426, 240}, {10, 320, 240}, {16, 320, 180}};
        for (int[] e : expected) {
            List<Region> r = MixLayout.grid().arrange(users(e[0]), 1280, 720);
            assertThat(r).hasSize(e[0]);
            assertThat(r.get(0).width()).as("cell width for %d", e[0]).isEqualTo(e[1]);
            assertThat(r.get(0).height()).as("cell height for %d", e[0]).isEqualTo(e[2]);
        }
        List<Region> four = MixLayout.grid().arrange(users(4), 1280, 720);
        assertThat(four).extracting(Region::x).containsExactly(0, 640, 0, 640);
        assertThat(four).extracting(Region::y).containsExactly(0, 0, 360, 360);
        assertThat(MixLayout.grid().arrange(users(20), 1280, 720)).hasSize(16);
        assertThat(MixLayout.grid().arrange(List.of(), 1280, 720)).isEmpty();
    }

    @Test
    void floatPutsTheMainMemberFullAndOthersFromTheBottomLeft() {
        List<Region> r = MixLayout.floating("u2", 0).arrange(users(6), 1280, 720);
        assertThat(r.get(0)).extracting(Region::userId, Region::x, Region::y, Region::width, Region::height)
                .containsExactly("u2", 0, 0, 1280, 720);
        // 23.5 % windows with 1 % margins: 300×168, rows of 4 going up
        assertThat(r.get(1)).extracting(Region::userId, Region::x, Region::y, Region::width, Region::height,
                Region::layer).containsExactly("u0", 12, 544, 300, 168, 1);
        assertThat(r.get(4)).extracting(Region::userId, Region::x, Region::y).containsExactly("u4", 12 + 3 * 312,
                544);
        assertThat(r.get(5)).extracting(Region::userId, Region::x, Region::y).containsExactly("u5", 12, 544 - 176);
    }

    @Test
    void screenSharePutsTheMainMemberLeftAndOthersInAColumn() {
        List<Region> r = MixLayout.screenShare("u1", 1).arrange(users(8), 1280, 720);
        assertThat(r).hasSize(6);
        assertThat(r.get(0)).extracting(Region::userId, Region::streamType, Region::width, Region::height,
                Region::renderMode).containsExactly("u1", 1, 1024, 720, RenderMode.FIT);
        // the main member's screen share is big; its camera heads the column, then the others in join order
        assertThat(r.get(1)).extracting(Region::userId, Region::streamType, Region::x, Region::y, Region::width,
                Region::height).containsExactly("u1", 0, 1024, 0, 256, 144);
        assertThat(r.get(2)).extracting(Region::userId, Region::streamType, Region::y).containsExactly("u0", 0, 144);
        assertThat(r.get(5)).extracting(Region::userId, Region::y).containsExactly("u4", 576);
        // its camera: the main member with stream type 0 is there once
        assertThat(MixLayout.screenShare("u1", 0).arrange(users(3), 1280, 720)).extracting(Region::userId)
                .containsExactly("u1", "u0", "u2");
    }

    @Test
    void floatWithTheMainScreenShareShowsItsCameraAsTheFirstSmallWindow() {
        List<Region> r = MixLayout.floating("u2", 1).arrange(users(3), 1280, 720);
        assertThat(r).extracting(Region::userId, Region::streamType, Region::layer).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u2", 1, 0), org.assertj.core.groups.Tuple.tuple("u2", 0, 1),
                org.assertj.core.groups.Tuple.tuple("u0", 0, 1), org.assertj.core.groups.Tuple.tuple("u1", 0, 1));
        // a main member not in the room: its (empty) screen-share place, no camera window
        assertThat(MixLayout.floating("gone", 1).arrange(users(1), 1280, 720)).extracting(Region::userId)
                .containsExactly("gone", "u0");
    }

    @Test
    void pictureInPictureAddsTheSmallWindowOnlyWhenThatMemberIsThere() {
        MixLayout pip = MixLayout.pictureInPicture("u0", 0, Region.of("u1", 900, 480, 320, 180, 0));
        List<Region> r = pip.arrange(users(3), 1280, 720);
        assertThat(r).hasSize(2);
        assertThat(r.get(1)).extracting(Region::userId, Region::x, Region::y, Region::layer)
                .containsExactly("u1", 900, 480, 1);
        assertThat(pip.arrange(List.of("u0", "u2"), 1280, 720)).hasSize(1);
    }

    @Test
    void customRegionsAreSortedByLayerAndCutToTheCanvasOnEvenPixels() {
        MixLayout custom = MixLayout.custom(List.of(Region.of("top", 101, 51, 400, 300, 5),
                Region.of("bottom", -50, -50, 200, 200, 0), Region.of("outside", 2000, 0, 100, 100, 1),
                Region.of("edge", 1200, 700, 200, 200, 1)));
        List<Region> r = custom.arrange(List.of(), 1280, 720);
        assertThat(r).extracting(Region::userId).containsExactly("bottom", "edge", "top");
        assertThat(r.get(0)).extracting(Region::x, Region::y, Region::width, Region::height)
                .containsExactly(0, 0, 150, 150);
        assertThat(r.get(1)).extracting(Region::x, Region::y, Region::width, Region::height)
                .containsExactly(1200, 700, 80, 20);
        assertThat(r.get(2)).extracting(Region::x, Region::y, Region::width, Region::height)
                .containsExactly(100, 50, 400, 300);
        assertThatThrownBy(() -> MixLayout.custom(new ArrayList<>(java.util.Collections.nCopies(17,
                Region.of("x", 0, 0, 1, 1, 0))))).isInstanceOf(IllegalArgumentException.class);
        assertThat(RenderMode.ofTrtc(0)).isEqualTo(RenderMode.CROP);
        assertThat(RenderMode.ofTrtc(1)).isEqualTo(RenderMode.STRETCH);
        assertThat(RenderMode.ofTrtc(2)).isEqualTo(RenderMode.FIT);
    }
}
