package dev.bluegreen.proxy.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ActiveExchanges}: the per-colour lists a loop's drain deadline and timeout sweep walk. */
class ActiveExchangesTest {

    private final ActiveExchanges active = new ActiveExchanges();
    private final List<String> events = new ArrayList<>();

    private final class Node extends ActiveExchanges.Node {
        private final String name;
        private final Colour colour;

        Node(String name, Colour colour) {
            this.name = name;
            this.colour = colour;
        }

        @Override
        Colour colour() {
            return colour;
        }

        @Override
        void closeAtDeadline(boolean stopping) {
            events.add("closed " + name);
            // What an exchange does when it ends: it leaves the list, while the list is being walked.
            active.remove(this, colour);
        }

        @Override
        void checkResponseTimeout(long nowNanos) {
            events.add("checked " + name);
        }
    }

    @Test
    void closeAll_reachesEveryExchangeOfTheColour_evenAsTheyLeaveTheList() {
        Node a = new Node("a", Colour.BLUE);
        Node b = new Node("b", Colour.BLUE);
        Node c = new Node("c", Colour.GREEN);
        active.add(a);
        active.add(b);
        active.add(c);

        assertThat(active.closeAll(Colour.BLUE, false)).isEqualTo(2);

        assertThat(events).containsExactlyInAnyOrder("closed a", "closed b");
        assertThat(active.closeAll(Colour.BLUE, false)).as("the list is empty now").isZero();
    }

    @Test
    void removedExchanges_areNoLongerSwept() {
        Node a = new Node("a", Colour.BLUE);
        Node b = new Node("b", Colour.BLUE);
        Node c = new Node("c", Colour.BLUE);
        active.add(a);
        active.add(b);
        active.add(c);
        active.remove(b, Colour.BLUE);

        active.checkResponseTimeouts(0);

        assertThat(events).containsExactlyInAnyOrder("checked a", "checked c");
    }
}
