package dev.bluegreen.zookeeper.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.internal.JsonWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The routing znode's content: a {@link RoutingSnapshot} as one compact UTF-8 JSON object, format 1 or 2.
 *
 * <pre>{@code
 * {"format":1,"generation":7,"live":"green","rollbackTarget":"blue","lastChange":"SWITCH",
 *  "changedAt":"2026-11-26T15:49:32.123456789Z","reason":"release 2.3","actor":"alice",
 *  "blue":{"version":"v1","backends":[{"id":"10.0.0.1:8080","host":"10.0.0.1","port":8080,"weight":1}]},
 *  "green":{"version":"v2","backends":[...]}}
 * }</pre>
 *
 * <p>Every member is required ({@code rollbackTarget} may be {@code null}) and no other member is allowed; colours
 * are {@code "blue"} or {@code "green"}, {@code lastChange} a {@link ChangeKind} name, {@code changedAt} an ISO-8601
 * instant, and each value is validated as the record it becomes. A later format would get a new {@code format}
 * number, which this version refuses to read rather than misread.
 *
 * <p>Format 2 adds two required members, {@code "shiftPercent"} (0-100) and {@code "forced"} (a boolean). A snapshot
 * with no shift under way that was not forced is written as format 1, so a fleet can be upgraded one instance at a
 * time: the older instances only meet format 2 once the newer verbs ({@code shift}, {@code forced()}) are used.
 *
 * <p>Stateless and thread-safe.
 */
public final class SnapshotCodec {

    /** The {@code format} of this module's other documents, and of a snapshot with no shift and no force. */
    public static final int FORMAT = 1;

    /** The {@code format} of a snapshot with a shift under way or made by a forced change. */
    static final int SNAPSHOT_FORMAT_WITH_SHIFT = 2;

    private SnapshotCodec() {
    }

    /**
     * Writes a snapshot.
     *
     * @param snapshot the snapshot
     * @return its JSON, UTF-8
     */
    public static byte[] encode(RoutingSnapshot snapshot) {
        boolean needsFormat2 = snapshot.shiftPercent() != 0 || snapshot.forced();
        JsonWriter json = new JsonWriter().beginObject()
                .field("format", needsFormat2 ? SNAPSHOT_FORMAT_WITH_SHIFT : FORMAT)
                .field("generation", snapshot.generation())
                .field("live", snapshot.live().label())
                .field("rollbackTarget", snapshot.rollbackColour().map(Colour::label).orElse(null))
                .field("lastChange", snapshot.lastChange().name())
                .field("changedAt", snapshot.changedAt().toString())
                .field("reason", snapshot.reason())
                .field("actor", snapshot.actor());
        if (needsFormat2) {
            json.field("shiftPercent", snapshot.shiftPercent()).field("forced", snapshot.forced());
        }
        for (Colour colour : Colour.values()) {
            Environment environment = snapshot.environment(colour);
            json.name(colour.label()).beginObject()
                    .field("version", environment.version())
                    .name("backends").beginArray();
            for (Backend backend : environment.backends()) {
                json.beginObject()
                        .field("id", backend.id())
                        .field("host", backend.host())
                        .field("port", backend.port())
                        .field("weight", backend.weight())
                        .endObject();
            }
            json.endArray().endObject();
        }
        return json.endObject().toString().getBytes(UTF_8);
    }

    /**
     * Reads a snapshot.
     *
     * @param data the znode's bytes
     * @return the snapshot
     * @throws IllegalArgumentException if the bytes are not a format-1 or format-2 snapshot; the message says what is wrong
     *         and where, as in {@code "blue.backends[0].port: 70000 (expected: 1-65535)"}
     */
    public static RoutingSnapshot decode(byte[] data) {
        JsonObject root = JsonObject.of("", JsonReader.parse(utf8(data)));
        long format = root.integer("format");
        if (format > SNAPSHOT_FORMAT_WITH_SHIFT) {
            throw new IllegalArgumentException("format: " + format + " (this version reads formats " + FORMAT
                    + " and " + SNAPSHOT_FORMAT_WITH_SHIFT + "; it was written by a later bluegreen)");
        }
        if (format != SNAPSHOT_FORMAT_WITH_SHIFT) {
            checkFormat(root);
        }
        // The record validates what JSON can't: a negative generation, the rollback target being live, text rules.
        RoutingSnapshot snapshot = new RoutingSnapshot(
                root.integer("generation"),
                colour(root, "live"),
                environment(root, Colour.BLUE),
                environment(root, Colour.GREEN),
                nullableColour(root, "rollbackTarget"),
                changeKind(root),
                instant(root, "changedAt"),
                root.string("reason"),
                root.string("actor"),
                format == SNAPSHOT_FORMAT_WITH_SHIFT ? root.integer("shiftPercent", 0, 100) : 0,
                format == SNAPSHOT_FORMAT_WITH_SHIFT && root.bool("forced"));
        root.finish();
        return snapshot;
    }

    /**
     * Checks the {@code format} member of a document of this module.
     *
     * @throws IllegalArgumentException if it is missing or not {@value #FORMAT}
     */
    static void checkFormat(JsonObject root) {
        long format = root.integer("format");
        if (format > FORMAT) {
            throw new IllegalArgumentException("format: " + format + " (this version reads format " + FORMAT
                    + "; it was written by a later bluegreen)");
        }
        if (format != FORMAT) {
            throw new IllegalArgumentException("format: " + format + " (expected: " + FORMAT + ")");
        }
    }

    /** Decodes UTF-8 strictly: a damaged byte sequence is an error, not a replacement character. */
    static String utf8(byte[] data) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("the znode is empty (expected: a JSON object)");
        }
        try {
            return UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the znode is not UTF-8 text: " + e, e);
        }
    }

    static Colour colour(JsonObject object, String name) {
        String label = object.string(name);
        for (Colour colour : Colour.values()) {
            if (colour.label().equals(label)) {
                return colour;
            }
        }
        throw new IllegalArgumentException(object.path(name) + ": \"" + label + "\" (expected: blue or green)");
    }

    static Instant instant(JsonObject object, String name) {
        String text = object.string(name);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(object.path(name) + ": \"" + text
                    + "\" (expected: an ISO-8601 instant such as 2026-01-31T12:00:00Z)", e);
        }
    }

    private static Colour nullableColour(JsonObject object, String name) {
        String label = object.nullableString(name);
        if (label == null) {
            return null;
        }
        for (Colour colour : Colour.values()) {
            if (colour.label().equals(label)) {
                return colour;
            }
        }
        throw new IllegalArgumentException(object.path(name) + ": \"" + label + "\" (expected: blue, green or null)");
    }

    private static ChangeKind changeKind(JsonObject root) {
        String name = root.string("lastChange");
        for (ChangeKind kind : ChangeKind.values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("lastChange: \"" + name + "\" (expected: one of "
                + List.of(ChangeKind.values()) + ")");
    }

    private static Environment environment(JsonObject root, Colour colour) {
        JsonObject pool = root.object(colour.label());
        String version = pool.string("version");
        List<?> items = pool.array("backends");
        List<Backend> backends = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String where = pool.path("backends") + "[" + i + "]";
            JsonObject item = JsonObject.of(where, items.get(i));
            try {
                backends.add(new Backend(item.string("host"), item.integer("port", 1, 65535), item.string("id"),
                        item.integer("weight", 1, Backend.MAX_WEIGHT)));
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith(where) ? e
                        : new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            item.finish();
        }
        pool.finish();
        try {
            return Environment.of(colour, version, backends);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(root.path(colour.label()) + ": " + e.getMessage(), e);
        }
    }
}
