package dev.bluegreen.proxy.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.exchange.BackendLoads.Permits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The permits of backends with a limit, and the queue that a permit given back goes to first. */
class BackendLoadsTest {

    private final BackendLoads loads = new BackendLoads(false, 0);
    private final Backend a = Backend.of("10.0.0.1", 8080).withMaxRequests(1);
    private final Backend b = Backend.of("10.0.0.2", 8080).withMaxRequests(1);
    /** Each grant, in the order they were run; the "loop" runs them at once. */
    private final List<String> grants = new ArrayList<>();

    /** The routing state changes: green, live, has these backends, deployed as {@code version}; blue none. */
    private void greenPoolIs(String version, Backend... backends) {
        loads.retainPoolsOf(RoutingSnapshot.initial(Colour.GREEN, Environment.empty(Colour.BLUE),
                Environment.of(Colour.GREEN, version, List.of(backends)), Instant.EPOCH));
    }

    private QueuedRequest waiting(String name, Backend... pool) {
        return new QueuedRequest(Colour.GREEN, List.of(pool), List.of(pool)::contains, Runnable::run,
                (request, permit) -> grants.add(name + "<-" + permit.backend().host()));
    }

    @Test
    void aPermitGivenBack_goesToTheFirstWaitingRequestThatCanUseIt_beforeAnyNewcomer() {
        Permits held = loads.tryAcquire(a);
        assertThat(loads.tryAcquire(a)).as("at its limit").isNull();
        QueuedRequest onlyB = waiting("onlyB", b);
        QueuedRequest first = waiting("first", a, b);
        QueuedRequest second = waiting("second", a);
        loads.enqueue(onlyB);
        loads.enqueue(first);
        loads.enqueue(second);

        loads.release(held);

        assertThat(grants).containsExactly("first<-10.0.0.1");
        assertThat(loads.underWay(a)).as("handed over, not given back").isEqualTo(1);
        assertThat(loads.tryAcquire(a)).as("a newcomer finds it still full").isNull();
        assertThat(loads.queued()).isEqualTo(2);
        assertThat(loads.withdraw(first)).as("granted already").isFalse();
    }

    @Test
    void aPermitNobodyWaitingCanUse_isGivenBack() {
        Permits held = loads.tryAcquire(a);
        QueuedRequest onlyB = waiting("onlyB", b);
        loads.enqueue(onlyB);

        loads.release(held);

        assertThat(grants).isEmpty();
        assertThat(loads.underWay(a)).isZero();
        assertThat(loads.queued()).isOne();
        assertThat(loads.withdraw(onlyB)).isTrue();
        assertThat(loads.queued()).isZero();
        assertThat(loads.withdraw(onlyB)).as("once").isFalse();
    }

    @Test
    void aWithdrawnRequest_isPassedOver() {
        Permits held = loads.tryAcquire(a);
        QueuedRequest gone = waiting("gone", a);
        QueuedRequest next = waiting("next", a);
        loads.enqueue(gone);
        loads.enqueue(next);
        assertThat(loads.withdraw(gone)).isTrue();

        loads.release(held);

        assertThat(grants).containsExactly("next<-10.0.0.1");
        assertThat(loads.queued()).isZero();
    }

    @Test
    void aGrantWhoseLoopIsGone_givesThePermitBack() {
        Permits held = loads.tryAcquire(a);
        QueuedRequest stranded = new QueuedRequest(Colour.GREEN, List.of(a), a::equals, task -> {
            throw new java.util.concurrent.RejectedExecutionException("stopped");
        }, (request, permit) -> grants.add("never"));
        loads.enqueue(stranded);

        loads.release(held);

        assertThat(grants).isEmpty();
        assertThat(loads.underWay(a)).isZero();
        assertThat(loads.queued()).isZero();
    }

    @Test
    void aPermitOfOnePool_isNotHeldUpByTheOtherPoolsWaitingRequests() {
        Permits held = loads.tryAcquire(a);
        for (int i = 0; i < 50; i++) {
            loads.enqueue(new QueuedRequest(Colour.BLUE, List.of(b), b::equals, Runnable::run,
                    (request, permit) -> grants.add("blue")));
        }
        loads.enqueue(waiting("green", a));

        loads.release(held);

        assertThat(grants).containsExactly("green<-10.0.0.1");
        assertThat(loads.queued()).isEqualTo(50);
    }

    @Test
    void requestsThatLeave_areUnlinkedBySweeps_soTheQueuesHoldAtMostTwiceThoseWaitingPlus64() {
        List<QueuedRequest> requests = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            QueuedRequest request = waiting("r" + i, a);
            requests.add(request);
            loads.enqueue(request);
        }
        // Every other one leaves first, as reset streams would: no search for each, a sweep now and then.
        List<QueuedRequest> leaving = new ArrayList<>();
        for (int i = 1; i < 300; i += 2) {
            leaving.add(requests.get(i));
        }
        for (int i = 0; i < 300; i += 2) {
            leaving.add(requests.get(i));
        }
        int left = 0;
        for (QueuedRequest request : leaving) {
            assertThat(loads.withdraw(request)).isTrue();
            left++;
            assertThat(loads.queued()).isEqualTo(300 - left);
            assertThat(loads.linked()).as("after %d left", left).isLessThanOrEqualTo(2 * loads.queued() + 64 + 1);
        }
        assertThat(loads.linked()).as("swept at the end too").isLessThanOrEqualTo(65);

        Permits held = loads.tryAcquire(a);
        QueuedRequest last = waiting("last", a);
        loads.enqueue(last);
        loads.release(held);
        assertThat(grants).containsExactly("last<-10.0.0.1");
        assertThat(loads.linked()).as("the scan unlinked what it passed").isZero();
    }

    @Test
    void requestsStillWaitingForARedeployedPool_doNotHoldUpThePermitsOfTheNewPool_fromThoseBehindThem() {
        for (int i = 0; i < 40; i++) {
            loads.enqueue(waiting("old" + i, a));
        }
        greenPoolIs("v3", b);
        Permits held = loads.tryAcquire(b);
        loads.enqueue(waiting("new", b));

        loads.release(held);

        assertThat(grants).containsExactly("new<-10.0.0.2");
        assertThat(loads.queued()).isEqualTo(40);
    }

    @Test
    void requestsOfTheCurrentPool_thatCannotUseABackend_endTheLookAfter16() {
        for (int i = 0; i < 16; i++) {
            loads.enqueue(waiting("onlyA" + i, a));
        }
        greenPoolIs("v2", a);
        Permits held = loads.tryAcquire(b);
        loads.enqueue(waiting("b", b));

        loads.release(held);

        assertThat(grants).as("a queue is not walked for a permit its pool's requests can't use").isEmpty();
        assertThat(loads.underWay(b)).isZero();
    }

    @Test
    void freePermitsOffered_goToTheRequestsWaitingForThem_asFarAsTheLimitAllows() {
        Backend two = Backend.of("10.0.0.3", 8080).withMaxRequests(2);
        loads.release(loads.tryAcquire(two));
        loads.offerFreePermits();
        assertThat(loads.underWay(two)).as("nobody waits: nothing taken").isZero();
        for (String name : List.of("first", "second", "third")) {
            loads.enqueue(waiting(name, two));
        }

        loads.offerFreePermits();

        assertThat(grants).containsExactly("first<-10.0.0.3", "second<-10.0.0.3");
        assertThat(loads.underWay(two)).isEqualTo(2);
        assertThat(loads.queued()).isOne();
    }

    @Test
    void aBackendOfThePoolsThatNoRequestPickedYet_isOfferedToo() {
        greenPoolIs("v2", a, b);
        loads.enqueue(waiting("waits", b));

        loads.offerFreePermits();

        assertThat(grants).containsExactly("waits<-10.0.0.2");
        assertThat(loads.underWay(b)).isOne();
    }

    @Test
    void aGrantWhoseLoopIsGone_goesToTheNextWaitingRequest() {
        Permits held = loads.tryAcquire(a);
        loads.enqueue(new QueuedRequest(Colour.GREEN, List.of(a), a::equals, task -> {
            throw new java.util.concurrent.RejectedExecutionException("stopped");
        }, (request, permit) -> grants.add("never")));
        loads.enqueue(waiting("next", a));

        loads.release(held);

        assertThat(grants).containsExactly("next<-10.0.0.1");
        assertThat(loads.underWay(a)).as("handed over").isOne();
        assertThat(loads.queued()).isZero();
    }

    @Test
    void aBackendWithoutALimit_isOfferedToEveryWaitingRequestThatCanUseIt() {
        Backend unlimited = Backend.of("10.0.0.3", 8080);
        greenPoolIs("v2", a, unlimited);
        Permits held = loads.tryAcquire(a);
        loads.enqueue(waiting("first", a, unlimited));
        loads.enqueue(waiting("onlyA", a));
        loads.enqueue(waiting("second", a, unlimited));

        loads.offerFreePermits();

        assertThat(grants).containsExactly("first<-10.0.0.3", "second<-10.0.0.3");
        assertThat(loads.requestsOn(unlimited)).as("the grants' permits, to be given back").isEqualTo(2);
        assertThat(loads.underWay(unlimited)).as("round robin reports no count without a limit").isZero();
        assertThat(loads.queued()).isOne();
        loads.release(held);
        assertThat(grants).last().isEqualTo("onlyA<-10.0.0.1");
    }

    @Test
    void aBackendADeployRemoved_keepsItsCountWhileRequestsAreUnderWayOnIt() {
        greenPoolIs("v1", a);
        Permits held = loads.tryAcquire(a);

        greenPoolIs("v2", b);
        assertThat(loads.underWay(a)).as("still under way").isOne();
        greenPoolIs("v3", a, b);
        assertThat(loads.tryAcquire(a)).as("added back: its limit still counts the request under way").isNull();

        loads.release(held);
        greenPoolIs("v4", b);
        assertThat(loads.underWay(a)).isZero();
        assertThat(loads.tryAcquire(a)).as("a fresh count").isNotNull();
    }

    @Test
    void aRedeployChangingOnlyABackendsWeightAndLimit_keepsItsCount_underItsNewLimit() {
        greenPoolIs("v1", a);
        Permits held = loads.tryAcquire(a);
        Backend heavier = new Backend(a.host(), a.port(), a.id(), 3, 2);

        greenPoolIs("v2", heavier);
        assertThat(loads.underWay(heavier)).as("the request under way on the same server").isOne();
        Permits more = loads.tryAcquire(heavier);
        assertThat(more).as("one more, within the new limit of 2").isNotNull();
        assertThat(loads.tryAcquire(heavier)).as("at the new limit, the first request counted").isNull();
        assertThat(loads.tryAcquire(a)).as("a request routed before the deploy counts on the same server").isNull();

        greenPoolIs("v3", a);
        loads.release(held);
        assertThat(loads.tryAcquire(a)).as("the limit of 1 again, one request under way").isNull();
        loads.release(more);
        assertThat(loads.underWay(a)).isZero();
    }

    @Test
    void aBackendThatKeepsItsIdButMoves_isCountedAfresh() {
        greenPoolIs("v1", a);
        Permits held = loads.tryAcquire(a);
        Backend moved = new Backend("10.0.0.9", a.port(), a.id(), 1, 1);

        greenPoolIs("v2", moved);
        assertThat(loads.underWay(moved)).as("another server").isZero();
        assertThat(loads.tryAcquire(moved)).isNotNull();
        assertThat(loads.underWay(a)).as("the old one's request, until it ends").isOne();
        loads.release(held);
    }

    @Test
    void aServerInBothPoolsWithTwoLimits_takesTheLower() {
        Backend blueRecord = new Backend(a.host(), a.port(), a.id(), 1, 3);
        loads.retainPoolsOf(RoutingSnapshot.initial(Colour.GREEN,
                Environment.of(Colour.BLUE, "v1", List.of(blueRecord)), Environment.of(Colour.GREEN, "v2", List.of(a)),
                Instant.EPOCH));

        assertThat(loads.tryAcquire(blueRecord)).isNotNull();
        assertThat(loads.tryAcquire(blueRecord)).as("green's limit of 1 for the same server").isNull();
    }

    @Test
    void aColoursQueue_holdsAtMostItsLimit_andAPlaceFreedByAGrantOrALeaverIsTakenAgain() {
        BackendLoads limited = new BackendLoads(false, 2);
        Permits held = limited.tryAcquire(a);
        QueuedRequest first = waiting("first", a);
        QueuedRequest second = waiting("second", a);
        assertThat(limited.enqueue(first)).isTrue();
        assertThat(limited.enqueue(second)).isTrue();

        assertThat(limited.enqueue(waiting("third", a))).as("full").isFalse();
        assertThat(limited.enqueue(new QueuedRequest(Colour.BLUE, List.of(b), b::equals, Runnable::run,
                (request, permit) -> grants.add("blue")))).as("the other colour's queue has room").isTrue();
        assertThat(limited.queued()).isEqualTo(3);

        limited.release(held);
        assertThat(grants).containsExactly("first<-10.0.0.1");
        assertThat(limited.enqueue(waiting("fourth", a))).as("the grant freed a place").isTrue();
        assertThat(limited.withdraw(second)).isTrue();
        assertThat(limited.enqueue(waiting("fifth", a))).as("the leaver freed a place").isTrue();
        assertThat(limited.enqueue(waiting("sixth", a))).isFalse();
    }
}
