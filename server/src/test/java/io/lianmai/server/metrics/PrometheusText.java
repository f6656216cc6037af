package io.lianmai.server.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strict parser of Prometheus's text exposition format 0.0.4, for tests: every line must be a {@code # HELP}, a
 * {@code # TYPE}, a comment, or a sample of a family whose TYPE came before it; label values are unescaped; a
 * malformed line fails the parse with its number.
 */
final class PrometheusText {
    /** One sample: name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final String[] SUFFIXES = {"_total", "_bucket", "_count", "_sum", "_created", "_max", "_info"};
    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            try {
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.substring(7).split(" ");
                    require(parts.length == 2 && validName(parts[0]), "bad TYPE line");
                    require(parts[1].matches("counter|gauge|histogram|summary|untyped"), "unknown type " + parts[1]);
                    require(types.put(parts[0], parts[1]) == null, "second TYPE for " + parts[0]);
                } else if (line.startsWith("# HELP ")) {
                    require(validName(line.substring(7).split(" ", 2)[0]), "bad HELP line");
                } else if (line.startsWith("#")) {
                    continue;
                } else {
                    Sample sample = sample(line);
                    require(family(sample.name(), types).isPresent(), "sample before its TYPE: " + sample.name());
                    samples.add(sample);
                }
            } catch (IllegalArgumentException e) {
                throw new AssertionError("line " + (i + 1) + " of the scrape: " + e.getMessage() + ": " + line, e);
            }
        }
        return new PrometheusText(samples, types);
    }

    private static Optional<String> family(String sampleName, Map<String, String> types) {
        if (types.containsKey(sampleName)) {
            return Optional.of(sampleName);
        }
        for (String suffix : SUFFIXES) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                if (types.containsKey(base)) {
                    return Optional.of(base);
                }
            }
        }
        return Optional.empty();
    }

    private static Sample sample(String line) {
        int at = 0;
        while (at < line.length() && line.charAt(at) != '{' && line.charAt(at) != ' ') {
            at++;
        }
        String name = line.substring(0, at);
        require(validName(name), "bad metric name");
        Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (line.charAt(at) != '}') {
                int eq = line.indexOf('=', at);
                require(eq > at, "label without '='");
                String label = line.substring(at, eq);
                require(label.matches("[a-zA-Z_][a-zA-Z0-9_]*"), "bad label name " + label);
                require(line.charAt(eq + 1) == '"', "label value not quoted");
                StringBuilder value = new StringBuilder();
                int p = eq + 2;
                while (line.charAt(p) != '"') {
                    char c = line.charAt(p);
                    if (c == '\\') {
                        char escaped = line.charAt(p + 1);
                        require(escaped == '\\' || escaped == '"' || escaped == 'n', "bad escape");
                        value.append(escaped == 'n' ? '\n' : escaped);
                        p += 2;
                    } else {
                        value.append(c);
                        p++;
                    }
                }
                require(labels.put(label, value.toString()) == null, "label twice: " + label);
                at = p + 1;
                if (line.charAt(at) == ',') {
                    at++;
                }
            }
            at++;
        }
        require(at < line.length() && line.charAt(at) == ' ', "no value");
        String[] rest = line.substring(at + 1).split(" ");
        require(rest.length == 1 || rest.length == 2, "junk after the value");
        return new Sample(name, labels, value(rest[0]));
    }

    private static double value(String text) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value " + text, e);
                }
        }
    }

    private static boolean validName(String name) {
        return name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*");
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The declared type of the family a sample name belongs to ({@code x_total} to {@code x}), if any. */
    Optional<String> type(String sampleName) {
        return family(sampleName, types).map(types::get);
    }

    /** The value of the one sample named {@code name} whose labels include {@code labels} (name/value pairs). */
    double value(String name, String... labels) {
        List<Sample> matching = find(name, labels);
        if (matching.size() != 1) {
            throw new AssertionError(matching.size() + " samples " + name + " " + List.of(labels) + " in the scrape: "
                    + matching);
        }
        return matching.get(0).value();
    }

    /** Every sample named {@code name} whose labels include {@code labels}. */
    List<Sample> find(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample sample : samples) {
            if (sample.name().equals(name) && hasLabels(sample, labels)) {
                found.add(sample);
            }
        }
        return found;
    }

    private static boolean hasLabels(Sample sample, String... labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
