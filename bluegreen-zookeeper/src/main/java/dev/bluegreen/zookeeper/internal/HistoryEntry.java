package dev.bluegreen.zookeeper.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.bluegreen.core.Change;
import dev.bluegreen.core.internal.JsonObject;
import dev.bluegreen.core.internal.JsonReader;
import dev.bluegreen.core.internal.JsonWriter;
import dev.bluegreen.core.internal.RoutingJson;

/**
 * One change of the fleet's audit trail, a sequential znode {@code path/history/change-NNNNNNNNNN} written in the
 * same transaction as the change itself: the instance through which it was made and the snapshots before and after,
 * in the stores' shared JSON form, format 1:
 * {@code {"format":1,"instance":"web-1","previous":{...a snapshot...},"current":{...a snapshot...}}}. Who asked
 * and why are in {@code current} (its actor and reason). Strict in the same way as {@link RoutingJson}.
 *
 * <p>Stateless and thread-safe.
 */
public final class HistoryEntry {

    /** The name prefix of the sequential znodes. */
    public static final String PREFIX = "change-";

    private HistoryEntry() {
    }

    /**
     * Writes an entry.
     *
     * @param change the change, with the instance that made it
     * @return its JSON, UTF-8
     */
    public static byte[] encode(Change change) {
        JsonWriter json = new JsonWriter().beginObject()
                .field("format", RoutingJson.FORMAT)
                .field("instance", change.instance())
                .name("previous");
        RoutingJson.write(json, change.previous());
        json.name("current");
        RoutingJson.write(json, change.current());
        return json.endObject().toString().getBytes(UTF_8);
    }

    /**
     * Reads an entry.
     *
     * @param data the znode's bytes
     * @return the change, with the instance that made it
     * @throws IllegalArgumentException if the bytes are not an entry; the message says where and what is wrong
     */
    public static Change decode(byte[] data) {
        JsonObject root = JsonObject.of("", JsonReader.parse(RoutingJson.utf8(SnapshotCodec.nonEmpty(data))));
        RoutingJson.checkFormat(root);
        String instance = root.string("instance");
        Change change = new Change(RoutingJson.readSnapshot(root.object("previous")),
                RoutingJson.readSnapshot(root.object("current")), instance);
        root.finish();
        return change;
    }
}
