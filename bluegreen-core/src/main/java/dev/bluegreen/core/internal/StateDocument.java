package dev.bluegreen.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Change;
import dev.bluegreen.core.RefusedChange;
import dev.bluegreen.core.RoutingSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * What the state file of {@link dev.bluegreen.core.FileRoutingStore} holds: the current snapshot, the snapshots
 * before it (its history: each consecutive pair is one change) and the last refused attempts, as one strict JSON
 * document, format 1, in the stores' shared form ({@link RoutingJson}):
 *
 * <pre>{@code
 * {"format":1,"snapshot":{...a snapshot...},"history":[{...the oldest kept...},...,{...the one before...}],
 *  "refusals":[{"at":"...","actor":"bob","reason":"...","attempt":"switch to GREEN","refusal":"ALREADY_LIVE",
 *               "message":"...","generation":7,"live":"green"}]}
 * }</pre>
 *
 * <p>Every member is required and no other is allowed; the history's generations grow and stay below the
 * snapshot's. Immutable and thread-safe.
 *
 * @param snapshot the current snapshot
 * @param history the snapshots before it, oldest first
 * @param refusals the refused attempts, oldest first
 */
public record StateDocument(RoutingSnapshot snapshot, List<RoutingSnapshot> history, List<RefusedChange> refusals) {

    /**
     * Validates and copies.
     *
     * @param snapshot the current snapshot
     * @param history the snapshots before it
     * @param refusals the refused attempts
     * @throws IllegalArgumentException if a history generation does not grow, or is not below the snapshot's
     */
    public StateDocument {
        requireNonNull(snapshot, "snapshot");
        history = List.copyOf(history);
        refusals = List.copyOf(refusals);
        for (int i = 0; i < history.size(); i++) {
            long generation = history.get(i).generation();
            long next = i + 1 < history.size() ? history.get(i + 1).generation() : snapshot.generation();
            if (generation >= next) {
                throw new IllegalArgumentException("history[" + i + "].generation: " + generation + " (expected: below"
                        + " the next one, " + next + (i + 1 < history.size() ? ", of history[" + (i + 1) + "]"
                        : ", of the snapshot") + ")");
            }
        }
    }

    /**
     * A new state: {@code snapshot} and nothing before it.
     *
     * @param snapshot the snapshot
     * @return the document
     */
    public static StateDocument of(RoutingSnapshot snapshot) {
        return new StateDocument(snapshot, List.of(), List.of());
    }

    /**
     * This state after a change to {@code next}: the current snapshot joins the history, of which at most
     * {@code keep} are kept.
     *
     * @param next the new snapshot
     * @param keep how many changes to keep
     * @return the document
     */
    public StateDocument changedTo(RoutingSnapshot next, int keep) {
        List<RoutingSnapshot> longer = new ArrayList<>(history);
        longer.add(snapshot);
        return new StateDocument(next, last(longer, keep), refusals);
    }

    /**
     * The changes the history holds, oldest first: each snapshot and the one after it.
     *
     * @return an immutable list
     */
    public List<Change> changes() {
        List<Change> changes = new ArrayList<>(history.size());
        for (int i = 0; i < history.size(); i++) {
            changes.add(new Change(history.get(i), i + 1 < history.size() ? history.get(i + 1) : snapshot));
        }
        return List.copyOf(changes);
    }

    /**
     * Writes this document.
     *
     * @return compact UTF-8 JSON
     */
    public byte[] encode() {
        JsonWriter json = new JsonWriter().beginObject().field("format", RoutingJson.FORMAT).name("snapshot");
        RoutingJson.write(json, snapshot);
        json.name("history").beginArray();
        for (RoutingSnapshot before : history) {
            RoutingJson.write(json, before);
        }
        json.endArray().name("refusals").beginArray();
        for (RefusedChange refused : refusals) {
            RoutingJson.write(json, refused);
        }
        return json.endArray().endObject().toString().getBytes(UTF_8);
    }

    /**
     * Reads a document written by {@link #encode}.
     *
     * @param data the file's bytes
     * @return the document
     * @throws IllegalArgumentException if they are not one; the message says where (a member's path, or an offset,
     *         line and column) and what is wrong
     */
    public static StateDocument decode(byte[] data) {
        JsonObject root = JsonObject.of("", JsonReader.parse(RoutingJson.utf8(data)));
        RoutingJson.checkFormat(root);
        RoutingSnapshot snapshot = RoutingJson.readSnapshot(root.object("snapshot"));
        List<?> historyItems = root.array("history");
        List<RoutingSnapshot> history = new ArrayList<>(historyItems.size());
        for (int i = 0; i < historyItems.size(); i++) {
            history.add(RoutingJson.readSnapshot(JsonObject.of("history[" + i + "]", historyItems.get(i))));
        }
        List<?> refusalItems = root.array("refusals");
        List<RefusedChange> refusals = new ArrayList<>(refusalItems.size());
        for (int i = 0; i < refusalItems.size(); i++) {
            refusals.add(RoutingJson.readRefusal(JsonObject.of("refusals[" + i + "]", refusalItems.get(i))));
        }
        root.finish();
        return new StateDocument(snapshot, history, refusals);
    }

    private static <T> List<T> last(List<T> items, int keep) {
        return items.size() <= keep ? items : items.subList(items.size() - keep, items.size());
    }
}
