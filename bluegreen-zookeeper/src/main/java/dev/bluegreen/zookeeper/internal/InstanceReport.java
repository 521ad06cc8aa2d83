package dev.bluegreen.zookeeper.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.internal.JsonObject;
import dev.bluegreen.core.internal.JsonReader;
import dev.bluegreen.core.internal.JsonWriter;
import dev.bluegreen.core.internal.RoutingJson;
import java.time.Instant;

/**
 * What one instance writes in its registration znode: the generation it serves, that generation's live colour and
 * when it reported, as compact UTF-8 JSON, format 1:
 * {@code {"format":1,"generation":7,"live":"green","reportedAt":"2026-11-26T15:49:32.123Z"}}. Strict in the same
 * way as {@link RoutingJson}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param generation the routing generation the instance serves
 * @param live the live colour at that generation
 * @param reportedAt when the instance wrote this, by its clock
 */
public record InstanceReport(long generation, Colour live, Instant reportedAt) {

    /**
     * Validates the components.
     *
     * @param generation the generation
     * @param live the live colour
     * @param reportedAt when
     * @throws NullPointerException if {@code live} or {@code reportedAt} is {@code null}
     * @throws IllegalArgumentException if the generation is negative
     */
    public InstanceReport {
        requireNonNull(live, "live");
        requireNonNull(reportedAt, "reportedAt");
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
        }
    }

    /**
     * The report of an instance serving {@code snapshot}.
     *
     * @param snapshot what it serves
     * @param at now
     * @return the report
     */
    public static InstanceReport of(RoutingSnapshot snapshot, Instant at) {
        return new InstanceReport(snapshot.generation(), snapshot.live(), at);
    }

    /**
     * Writes this report.
     *
     * @return its JSON, UTF-8
     */
    public byte[] encode() {
        return new JsonWriter().beginObject()
                .field("format", SnapshotCodec.FORMAT)
                .field("generation", generation)
                .field("live", live.label())
                .field("reportedAt", reportedAt.toString())
                .endObject().toString().getBytes(UTF_8);
    }

    /**
     * Reads a report.
     *
     * @param data the registration znode's bytes
     * @return the report
     * @throws IllegalArgumentException if the bytes are not a format-1 report; the message says what is wrong
     */
    public static InstanceReport decode(byte[] data) {
        JsonObject root = JsonObject.of("", JsonReader.parse(RoutingJson.utf8(SnapshotCodec.nonEmpty(data))));
        RoutingJson.checkFormat(root);
        long generation = root.integer("generation");
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
        }
        InstanceReport report = new InstanceReport(generation, RoutingJson.colour(root, "live"),
                RoutingJson.instant(root, "reportedAt"));
        root.finish();
        return report;
    }
}
