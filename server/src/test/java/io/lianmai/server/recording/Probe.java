package io.lianmai.server.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.testkit.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What ffprobe says of a recording file, and how many video frames ffmpeg decodes from it. */
record Probe(Path file, List<String> codecs, int width, double duration, int videoFramesDecoded) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Probe of(Path dir, Path file) throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("no recording file " + file);
        }
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        String out = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-show_entries",
                "stream=codec_name,codec_type,width:format=duration", "-of", "json", file.toString()), 60, dir);
        JsonNode json;
        try {
            json = JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("ffprobe of " + file + ": " + out, e);
        }
        List<String> codecs = new ArrayList<>();
        int width = 0;
        boolean video = false;
        for (JsonNode stream : json.path("streams")) {
            codecs.add(stream.path("codec_name").asText());
            if (stream.path("codec_type").asText().equals("video")) {
                width = stream.path("width").asInt();
                video = true;
            }
        }
        double duration = json.path("format").path("duration").asDouble(-1);
        int frames = 0;
        if (video) {
            String counted = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-count_frames",
                    "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0",
                    file.toString()), 120, dir).strip();
            try {
                frames = Integer.parseInt(counted.split("\\s+")[0].replace(",", ""));
            } catch (NumberFormatException e) {
                throw new AssertionError("frame count of " + file + ": " + counted, e);
            }
        }
        return new Probe(file, codecs, width, duration, frames);
    }
}
