package dev.bluegreen.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RefusedChange;
import dev.bluegreen.core.RoutingSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one strict JSON form of the routing state, shared by the stores that keep it outside the process (the
 * ZooKeeper znode, the state file): a {@link RoutingSnapshot} as one object, format 1 or 2, and a
 * {@link RefusedChange} as another.
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
 * Format 3 is format 2 with a required {@code "maxRequests"} member (0-{@value Backend#MAX_REQUESTS_LIMIT}, 0 for
 * none) on every backend; it is written only when a backend has a limit ({@link Backend#maxRequests()}), so older
 * instances meet it only once limits are used, and refuse it rather than drop the limits.
 *
 * <p>Errors are {@link IllegalArgumentException}s that say where (the member's path, as in
 * {@code blue.backends[0].port}, or the offset in the text) and what is wrong.
 *
 * <p>Stateless and thread-safe.
 */
public final class RoutingJson {

    /** The {@code format} of a snapshot with no shift and no force, and of the other documents. */
    public static final int FORMAT = 1;

    /** The {@code format} of a snapshot with a shift under way or made by a forced change. */
    public static final int SNAPSHOT_FORMAT_WITH_SHIFT = 2;

    /** The {@code format} of a snapshot in which a backend has a limit of requests under way. */
    public static final int SNAPSHOT_FORMAT_WITH_LIMITS = 3;

    private RoutingJson() {
    }

    /**
     * Writes a snapshot as one compact UTF-8 JSON object.
     *
     * @param snapshot the snapshot
     * @return its JSON
     */
    public static byte[] encode(RoutingSnapshot snapshot) {
        JsonWriter json = new JsonWriter();
        write(json, snapshot);
        return json.toString().getBytes(UTF_8);
    }

    /**
     * Reads a snapshot written by {@link #encode}.
     *
     * @param data the bytes
     * @return the snapshot
     * @throws IllegalArgumentException if the bytes are not UTF-8 or not a format-1 or format-2 snapshot; the message
     *         says what is wrong and where, as in {@code "blue.backends[0].port: 70000 (expected: 1-65535)"}
     */
    public static RoutingSnapshot decode(byte[] data) {
        JsonObject root = JsonObject.of("", JsonReader.parse(utf8(data)));
        RoutingSnapshot snapshot = readSnapshot(root);
        root.finish();
        return snapshot;
    }

    /**
     * Writes a snapshot as the next value of {@code json}.
     *
     * @param json the writer
     * @param snapshot the snapshot
     */
    public static void write(JsonWriter json, RoutingSnapshot snapshot) {
        boolean needsFormat3 = hasLimits(snapshot);
        boolean needsFormat2 = needsFormat3 || snapshot.shiftPercent() != 0 || snapshot.forced();
        json.beginObject()
                .field("format", needsFormat3 ? SNAPSHOT_FORMAT_WITH_LIMITS
                        : needsFormat2 ? SNAPSHOT_FORMAT_WITH_SHIFT : FORMAT)
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
                        .field("weight", backend.weight());
                if (needsFormat3) {
                    json.field("maxRequests", backend.maxRequests());
                }
                json.endObject();
            }
            json.endArray().endObject();
        }
        json.endObject();
    }

    private static boolean hasLimits(RoutingSnapshot snapshot) {
        for (Colour colour : Colour.values()) {
            for (Backend backend : snapshot.environment(colour).backends()) {
                if (backend.maxRequests() > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Reads a snapshot object, every member of it ({@link JsonObject#finish()} is called).
     *
     * @param object the object
     * @return the snapshot
     * @throws IllegalArgumentException naming the member, by its path, and what is wrong with it
     */
    public static RoutingSnapshot readSnapshot(JsonObject object) {
        try {
            long format = object.integer("format");
            if (format > SNAPSHOT_FORMAT_WITH_LIMITS) {
                throw new LaterFormatException(object.path("format") + ": " + format + " (this version reads"
                        + " formats " + FORMAT + " to " + SNAPSHOT_FORMAT_WITH_LIMITS + "; it was written by a later"
                        + " bluegreen)");
            }
            if (format < SNAPSHOT_FORMAT_WITH_SHIFT) {
                checkFormat(object);
            }
            boolean limits = format == SNAPSHOT_FORMAT_WITH_LIMITS;
            boolean shift = format >= SNAPSHOT_FORMAT_WITH_SHIFT;
            // The record validates what JSON can't: a negative generation, the rollback target being live, text rules.
            RoutingSnapshot snapshot = new RoutingSnapshot(
                    generation(object),
                    colour(object, "live"),
                    environment(object, Colour.BLUE, limits),
                    environment(object, Colour.GREEN, limits),
                    nullableColour(object, "rollbackTarget"),
                    changeKind(object),
                    instant(object, "changedAt"),
                    object.string("reason"),
                    object.string("actor"),
                    shift ? object.integer("shiftPercent", 0, 100) : 0,
                    shift && object.bool("forced"));
            object.finish();
            return snapshot;
        } catch (IllegalArgumentException e) {
            throw located(object, e);
        }
    }

    /**
     * A stored snapshot's generation: the record takes any that is not negative, but the last {@code long} would
     * leave no generation for the next change, whose refusal would then read as a bad request.
     */
    private static long generation(JsonObject object) {
        long generation = object.integer("generation");
        if (generation == Long.MAX_VALUE) {
            throw new IllegalArgumentException(object.path("generation") + ": " + generation + " (expected: 0-"
                    + (Long.MAX_VALUE - 1) + ", so that a change can follow it)");
        }
        return generation;
    }

    /**
     * Writes a refused attempt as the next value of {@code json}.
     *
     * @param json the writer
     * @param refused the refused attempt
     */
    public static void write(JsonWriter json, RefusedChange refused) {
        json.beginObject()
                .field("at", refused.at().toString())
                .field("actor", refused.actor())
                .field("reason", refused.reason())
                .field("attempt", refused.attempt())
                .field("refusal", refused.refusal().name())
                .field("message", refused.message())
                .field("generation", refused.generation())
                .field("live", refused.live().label())
                .endObject();
    }

    /**
     * Reads a refused attempt written by {@link #write(JsonWriter, RefusedChange)}.
     *
     * @param object the object
     * @return the refused attempt
     * @throws IllegalArgumentException naming the member, by its path, and what is wrong with it
     */
    public static RefusedChange readRefusal(JsonObject object) {
        try {
            RefusedChange refused = new RefusedChange(instant(object, "at"), object.string("actor"),
                    object.string("reason"), object.string("attempt"), refusal(object), object.string("message"),
                    object.integer("generation"), colour(object, "live"));
            object.finish();
            return refused;
        } catch (IllegalArgumentException e) {
            throw located(object, e);
        }
    }

    /**
     * Checks the {@code format} member of a document in format {@value #FORMAT}.
     *
     * @param object the document
     * @throws IllegalArgumentException if it is missing or not {@value #FORMAT}: a {@link LaterFormatException} if it
     *         is a later one
     */
    public static void checkFormat(JsonObject object) {
        long format = object.integer("format");
        if (format > FORMAT) {
            throw new LaterFormatException(object.path("format") + ": " + format + " (this version reads format "
                    + FORMAT + "; it was written by a later bluegreen)");
        }
        if (format != FORMAT) {
            throw new IllegalArgumentException(object.path("format") + ": " + format + " (expected: " + FORMAT + ")");
        }
    }

    /**
     * Decodes UTF-8 strictly: a damaged byte sequence is an error, not a replacement character.
     *
     * @param data the bytes
     * @return the text
     * @throws IllegalArgumentException if there are none, or they are not UTF-8
     */
    public static String utf8(byte[] data) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("empty (expected: a JSON object)");
        }
        try {
            return UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8 text: " + e, e);
        }
    }

    /**
     * A colour member: {@code "blue"} or {@code "green"}.
     *
     * @param object the object
     * @param name the member's name
     * @return the colour
     * @throws IllegalArgumentException if it is missing or not a colour's label
     */
    public static Colour colour(JsonObject object, String name) {
        String label = object.string(name);
        for (Colour colour : Colour.values()) {
            if (colour.label().equals(label)) {
                return colour;
            }
        }
        throw new IllegalArgumentException(object.path(name) + ": \"" + label + "\" (expected: blue or green)");
    }

    /**
     * An instant member, in ISO-8601.
     *
     * @param object the object
     * @param name the member's name
     * @return the instant
     * @throws IllegalArgumentException if it is missing or not an ISO-8601 instant
     */
    public static Instant instant(JsonObject object, String name) {
        String text = object.string(name);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(object.path(name) + ": \"" + text
                    + "\" (expected: an ISO-8601 instant such as 2026-01-31T12:00:00Z)", e);
        }
    }

    /**
     * A record's own validation names the component, not where it is: prefix the object's path, once.
     */
    private static IllegalArgumentException located(JsonObject object, IllegalArgumentException e) {
        String where = object.where();
        if (where.isEmpty() || e.getMessage() == null || e.getMessage().startsWith(where)) {
            return e;
        }
        return e instanceof LaterFormatException ? new LaterFormatException(where + "." + e.getMessage())
                : new IllegalArgumentException(where + "." + e.getMessage(), e);
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

    private static ChangeKind changeKind(JsonObject object) {
        String name = object.string("lastChange");
        for (ChangeKind kind : ChangeKind.values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(object.path("lastChange") + ": \"" + name + "\" (expected: one of "
                + List.of(ChangeKind.values()) + ")");
    }

    private static ChangeRefusedException.Refusal refusal(JsonObject object) {
        String name = object.string("refusal");
        for (ChangeRefusedException.Refusal refusal : ChangeRefusedException.Refusal.values()) {
            if (refusal.name().equals(name)) {
                return refusal;
            }
        }
        throw new IllegalArgumentException(object.path("refusal") + ": \"" + name + "\" (expected: one of "
                + List.of(ChangeRefusedException.Refusal.values()) + ")");
    }

    private static Environment environment(JsonObject root, Colour colour, boolean limits) {
        JsonObject pool = root.object(colour.label());
        String version = pool.string("version");
        List<?> items = pool.array("backends");
        List<Backend> backends = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String where = pool.path("backends") + "[" + i + "]";
            JsonObject item = JsonObject.of(where, items.get(i));
            try {
                backends.add(new Backend(item.string("host"), item.integer("port", 1, 65535), item.string("id"),
                        item.integer("weight", 1, Backend.MAX_WEIGHT),
                        limits ? item.integer("maxRequests", 0, Backend.MAX_REQUESTS_LIMIT) : 0));
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

    /**
     * A document, or a part of it, in a format a later bluegreen writes: not damaged, but unreadable by this version.
     * Its message says where and which format, as any other.
     */
    public static final class LaterFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /**
         * A document in a later format.
         *
         * @param message where, which format, and which this version reads
         */
        public LaterFormatException(String message) {
            super(message);
        }
    }
}
