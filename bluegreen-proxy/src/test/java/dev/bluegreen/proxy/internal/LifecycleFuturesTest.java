package dev.bluegreen.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenProxy;
import java.net.BindException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The futures {@link BlueGreenProxy} and {@link AdminEndpoint} hand out for their start and stop. */
class LifecycleFuturesTest {

    @Test
    void own_isCancelledAlone_andHandsOnTheSharedFuturesFailureAsItIs() {
        CompletableFuture<String> shared = new CompletableFuture<>();
        CompletableFuture<String> givenUp = LifecycleFutures.own(shared);
        CompletableFuture<String> awaited = LifecycleFutures.own(shared);

        givenUp.cancel(true);
        BindException cause = new BindException("address in use");
        shared.completeExceptionally(cause);

        assertThat(shared.isCancelled()).isFalse();
        // Not wrapped in a CompletionException, as copy() would hand it to handle(): a caller matches on its type.
        assertThat(awaited.handle((value, error) -> error).join()).isSameAs(cause);
        assertThat(LifecycleFutures.own(CompletableFuture.completedFuture("done"))).isCompletedWithValue("done");
    }
}
