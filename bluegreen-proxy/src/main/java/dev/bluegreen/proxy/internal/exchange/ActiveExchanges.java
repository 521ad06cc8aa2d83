package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Colour;

/**
 * One event loop's exchanges under way, one list per colour, so that the drain deadline can reach a colour's and the
 * response timeout sweep all of them. The lists are intrusive (each {@link Node} carries its neighbours): adding and
 * removing allocate nothing, which matters at one of each per request. Confined to its loop.
 */
final class ActiveExchanges {

    /** What the lists hold: an exchange, seen only as what the loop does with it. */
    abstract static class Node {
        private Node previous;
        private Node next;
        /** The routing generation of the snapshot its request read (set when it starts). */
        long generation;

        /** The colour whose list it is on. */
        abstract Colour colour();

        /**
         * The drain deadline reached it, or the end of the proxy's grace period when {@code stopping}: close as
         * gracefully as its protocol allows.
         */
        abstract void closeAtDeadline(boolean stopping);

        /** The periodic sweep: time it out if its backend has been silent too long. */
        abstract void checkResponseTimeout(long nowNanos);
    }

    private final Node[] heads = new Node[Colour.values().length];

    void add(Node node) {
        int index = node.colour().ordinal();
        Node head = heads[index];
        node.next = head;
        node.previous = null;
        if (head != null) {
            head.previous = node;
        }
        heads[index] = node;
    }

    /** Removes {@code node} from the list of {@code colour}, the colour it had when it was added. */
    void remove(Node node, Colour colour) {
        int index = colour.ordinal();
        if (node.previous != null) {
            node.previous.next = node.next;
        } else if (heads[index] == node) {
            heads[index] = node.next;
        }
        if (node.next != null) {
            node.next.previous = node.previous;
        }
        node.next = null;
        node.previous = null;
    }

    /**
     * Closes every exchange on {@code colour}: its drain deadline, or the end of the grace period when
     * {@code stopping}. @return how many
     */
    int closeAll(Colour colour, boolean stopping) {
        int closed = 0;
        Node node = heads[colour.ordinal()];
        while (node != null) {
            // Closing takes it off this list: step on first.
            Node next = node.next;
            node.closeAtDeadline(stopping);
            closed++;
            node = next;
        }
        return closed;
    }

    /**
     * Closes every exchange on {@code colour} routed before {@code generation}: the deadline of a deployment that
     * replaced that colour's pool at {@code generation}, for what still runs on the pool it replaced.
     *
     * @return how many
     */
    int closeRoutedBefore(Colour colour, long generation) {
        int closed = 0;
        Node node = heads[colour.ordinal()];
        while (node != null) {
            Node next = node.next;
            if (node.generation < generation) {
                node.closeAtDeadline(false);
                closed++;
            }
            node = next;
        }
        return closed;
    }

    /** Times out the exchanges whose backend has been silent for the response timeout. */
    void checkResponseTimeouts(long nowNanos) {
        for (Node head : heads) {
            Node node = head;
            while (node != null) {
                Node next = node.next;
                node.checkResponseTimeout(nowNanos);
                node = next;
            }
        }
    }
}
