package io.lianmai.server.live;

import io.lianmai.codec.mix.StillImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decoded images of one mix request: the background ({@code EncodeParams.BackgroundImageUrl}) and the placeholder
 * images its layout's regions show ({@code PresetLayoutConfig.PlaceImageUrl}). Native memory: whoever holds them
 * closes them — the request while it is checked, then {@link MixTasks#start} (which hands them to the task, or closes
 * them when it refuses the request).
 *
 * @param backgroundUrl the background's URL, compared to tell whether a running mix can keep its canvas
 * @param background the background image, or null
 * @param placeholders the regions' placeholder images
 */
public record MixImages(Optional<String> backgroundUrl, StillImage background, List<StillImage> placeholders) {
    /** No images. */
    public static final MixImages NONE = new MixImages(Optional.empty(), null, List.of());

    public MixImages {
        Objects.requireNonNull(backgroundUrl, "backgroundUrl");
        placeholders = List.copyOf(placeholders);
    }

    /** Frees every image (idempotent; not while a mixer still draws them). */
    public void close() {
        closeBackground();
        closePlaceholders();
    }

    void closeBackground() {
        if (background != null) {
            background.close();
        }
    }

    void closePlaceholders() {
        placeholders.forEach(StillImage::close);
    }

    /** Collects images as a request is checked, so that a refusal half-way frees those fetched so far. */
    public static final class Builder {
        private String backgroundUrl;
        private StillImage background;
        private final List<StillImage> placeholders = new ArrayList<>();

        public void background(String url, StillImage image) {
            backgroundUrl = url;
            background = image;
        }

        public void placeholder(StillImage image) {
            placeholders.add(image);
        }

        public MixImages build() {
            return new MixImages(Optional.ofNullable(backgroundUrl), background, placeholders);
        }

        /** Frees what was collected (the request was refused). */
        public void close() {
            build().close();
        }
    }
}
