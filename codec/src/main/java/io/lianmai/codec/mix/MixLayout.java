package io.lianmai.codec.mix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where each member goes on the canvas: TRTC's {@code LayoutParams} ({@code Template} 0–4, {@code MainVideoUserId},
 * {@code MainVideoStreamType}, {@code SmallVideoLayoutParams}, {@code PresetLayoutConfig}, {@code PlaceHolderMode}).
 * {@link #arrange} turns it into regions for the current members, in join order; a member that sends only audio
 * still takes its place and shows the placeholder (or the background), as in TRTC.
 *
 * <p>The template geometry follows TRTC's descriptions; Tencent does not publish exact pixel sizes, so small-window
 * sizes and margins are Lianmai's (see docs/mixing.md).
 */
public final class MixLayout {
    /** TRTC's layout templates, in {@code Template} order. */
    public enum Template {
        /** 0: the main (first) member fills the canvas, up to 15 others float as small windows from the bottom left. */
        FLOAT,
        /** 1: equal cells, 1×1, 2×1, 2×2, 3×2, 3×3, 4×3, 4×4 by member count (up to 16). */
        GRID,
        /** 2: the main member (e.g. a screen share) big on the left, the others in a column on the right. */
        SCREEN_SHARE,
        /** 3: the main member fills the canvas, one given member in a given small window above it. */
        PICTURE_IN_PICTURE,
        /** 4: every region given (TRTC PresetLayoutConfig). */
        CUSTOM
    }

    /** Most members a template shows (TRTC: 1 big + 15 small). */
    public static final int MAX_MEMBERS = 16;

    private final Template template;
    private final String mainUserId;
    private final int mainStreamType;
    private final Region small;
    private final List<Region> custom;
    private final RenderMode renderMode;
    private final int placeholderRgb;

    private MixLayout(Template template, String mainUserId, int mainStreamType, Region small, List<Region> custom,
            RenderMode renderMode, int placeholderRgb) {
        this.template = template;
        this.mainUserId = mainUserId;
        this.mainStreamType = mainStreamType;
        this.small = small;
        this.custom = custom;
        this.renderMode = renderMode;
        this.placeholderRgb = placeholderRgb;
    }

    /**
     * Template 0; {@code mainUserId} null means the first member; stream type 1 puts that member's screen share in
     * the full picture and its camera among the small windows.
     */
    public static MixLayout floating(String mainUserId, int mainStreamType) {
        return new MixLayout(Template.FLOAT, mainUserId, mainStreamType, null, List.of(), RenderMode.CROP, -1);
    }

    /** Template 1. */
    public static MixLayout grid() {
        return new MixLayout(Template.GRID, null, 0, null, List.of(), RenderMode.CROP, -1);
    }

    /**
     * Template 2; {@code mainUserId} null means the first member; stream type 1 puts that member's screen share in
     * the big picture and its camera first in the right column.
     */
    public static MixLayout screenShare(String mainUserId, int mainStreamType) {
        return new MixLayout(Template.SCREEN_SHARE, mainUserId, mainStreamType, null, List.of(), RenderMode.FIT, -1);
    }

    /** Template 3: {@code small} is TRTC's SmallVideoLayoutParams (its layer is raised above the main picture). */
    public static MixLayout pictureInPicture(String mainUserId, int mainStreamType, Region small) {
        Objects.requireNonNull(small, "small");
        return new MixLayout(Template.PICTURE_IN_PICTURE, mainUserId, mainStreamType, small, List.of(),
                RenderMode.CROP, -1);
    }

    /** Template 4: TRTC PresetLayoutConfig, one region per member stream. */
    public static MixLayout custom(List<Region> regions) {
        if (regions.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException("at most " + MAX_MEMBERS + " regions, got " + regions.size());
        }
        return new MixLayout(Template.CUSTOM, null, 0, null, List.copyOf(regions), RenderMode.CROP, -1);
    }

    /** Template 4's regions as given (empty for the other templates). */
    public List<Region> regions() {
        return custom;
    }

    /** The same custom layout with other regions (e.g. the same with placeholder images); template 4 only. */
    public MixLayout withRegions(List<Region> regions) {
        if (template != Template.CUSTOM) {
            throw new IllegalStateException("only a custom layout has regions of its own");
        }
        if (regions.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException("at most " + MAX_MEMBERS + " regions, got " + regions.size());
        }
        return new MixLayout(template, mainUserId, mainStreamType, small, List.copyOf(regions), renderMode,
                placeholderRgb);
    }

    /** The same layout with templates' pictures drawn in {@code mode}. */
    public MixLayout withRenderMode(RenderMode mode) {
        return new MixLayout(template, mainUserId, mainStreamType, small, custom, mode, placeholderRgb);
    }

    /** The same layout with template regions showing {@code rgb} (0xRRGGBB) for members without video. */
    public MixLayout withPlaceholder(int rgb) {
        return new MixLayout(template, mainUserId, mainStreamType, small, custom, renderMode, rgb);
    }

    public Template template() {
        return template;
    }

    /**
     * The regions for members {@code userIds} (join order) on a {@code width} × {@code height} canvas, lowest layer
     * first, cut to the canvas and to even pixels. Members beyond what the template shows are left out.
     */
    public List<Region> arrange(List<String> userIds, int width, int height) {
        List<Region> out = new ArrayList<>();
        switch (template) {
            case CUSTOM -> out.addAll(custom);
            case GRID -> grid(userIds, width, height, out);
            case FLOAT -> floating(userIds, width, height, out);
            case SCREEN_SHARE -> screenShare(userIds, width, height, out);
            case PICTURE_IN_PICTURE -> pip(userIds, width, height, out);
        }
        List<Region> clipped = new ArrayList<>(out.size());
        for (Region r : out) {
            Region c = r.clippedTo(width, height);
            if (c.width() > 0 && c.height() > 0) {
                clipped.add(c);
            }
        }
        clipped.sort((a, b) -> Integer.compare(a.layer(), b.layer())); // stable: equal layers keep their order
        return clipped;
    }

    private Region region(String user, int type, int x, int y, int w, int h, int layer) {
        return new Region(user, type, x, y, w, h, layer, renderMode, placeholderRgb, null);
    }

    /**
     * The members in the order templates 0 and 2 fill their windows: the main member first, and when the main picture
     * is its screen share, the main member again (its camera) second.
     */
    private List<String> mainFirst(List<String> userIds) {
        List<String> order = new ArrayList<>(userIds);
        if (mainUserId != null) {
            order.remove(mainUserId);
            order.add(0, mainUserId);
            if (mainStreamType == 1 && userIds.contains(mainUserId)) {
                order.add(1, mainUserId);
            }
        }
        return order.size() > MAX_MEMBERS ? order.subList(0, MAX_MEMBERS) : order;
    }

    private void grid(List<String> userIds, int width, int height, List<Region> out) {
        int n = Math.min(userIds.size(), MAX_MEMBERS);
        if (n == 0) {
            return;
        }
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int cellW = width / cols;
        int cellH = height / rows;
        for (int i = 0; i < n; i++) {
            out.add(region(userIds.get(i), 0, (i % cols) * cellW, (i / cols) * cellH, cellW, cellH, 0));
        }
    }

    private void floating(List<String> userIds, int width, int height, List<Region> out) {
        List<String> order = mainFirst(userIds);
        if (order.isEmpty()) {
            return;
        }
        out.add(region(order.get(0), mainStreamType, 0, 0, width, height, 0));
        // small windows: 4 per row from the bottom left, rows going up; 23.5 % of the canvas each, 1 % margins
        int w = width * 235 / 1000;
        int h = height * 235 / 1000;
        int mx = width / 100;
        int my = height / 100;
        for (int i = 1; i < order.size(); i++) {
            int col = (i - 1) % 4;
            int row = (i - 1) / 4;
            out.add(region(order.get(i), 0, mx + col * (w + mx), height - (row + 1) * (h + my), w, h, 1));
        }
    }

    private void screenShare(List<String> userIds, int width, int height, List<Region> out) {
        List<String> order = mainFirst(userIds);
        if (order.isEmpty()) {
            return;
        }
        // the big picture takes 4/5 of the width; up to 5 others stack in the right column, 1/5 of the height each
        int bigW = width * 4 / 5;
        out.add(region(order.get(0), mainStreamType, 0, 0, bigW, height, 0));
        int w = width - bigW;
        int h = height / 5;
        for (int i = 1; i < order.size() && i <= 5; i++) {
            out.add(region(order.get(i), 0, bigW, (i - 1) * h, w, h, 0));
        }
    }

    private void pip(List<String> userIds, int width, int height, List<Region> out) {
        List<String> order = mainFirst(userIds);
        if (order.isEmpty()) {
            return;
        }
        out.add(region(order.get(0), mainStreamType, 0, 0, width, height, 0));
        if (userIds.contains(small.userId())) {
            out.add(new Region(small.userId(), small.streamType(), small.x(), small.y(), small.width(),
                    small.height(), Math.max(1, small.layer()), small.renderMode(),
                    small.placeholderRgb() >= 0 ? small.placeholderRgb() : placeholderRgb, small.placeholderImage()));
        }
    }
}
