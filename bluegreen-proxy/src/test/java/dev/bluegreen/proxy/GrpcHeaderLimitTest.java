package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.testing.GrpcTestServer;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A gRPC call whose metadata is larger than the backend takes (grpc-java announces
 * {@code SETTINGS_MAX_HEADER_LIST_SIZE} 8,192) but within the proxy's own limit (16 KiB): the proxy can't send its
 * HEADERS, and says so with {@code 431}, which no gRPC client retries, rather than with {@code 502} ("the backend
 * closed the connection", which it did not), which a gRPC client reads as the retryable {@code UNAVAILABLE}. The
 * backend's connection, and the calls on it, are not disturbed.
 */
class GrpcHeaderLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Metadata.Key<String> BIG = Metadata.Key.of("x-big", Metadata.ASCII_STRING_MARSHALLER);

    private static Channel withMetadata(Channel channel, int bytes) {
        Metadata metadata = new Metadata();
        metadata.put(BIG, "v".repeat(bytes));
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
    }

    @Test
    void metadataLargerThanTheBackendTakes_is431_notARetryable502() {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy)) {
            assertThat(GrpcTestServer.which(withMetadata(fixture.channel, 7_000), WAIT)).isEqualTo("blue-1");

            assertThatThrownBy(() -> GrpcTestServer.which(withMetadata(fixture.channel, 9_000), WAIT))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, refused -> {
                        assertThat(refused.getStatus().getCode()).isNotEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(refused.getStatus().getDescription()).contains("431")
                                .contains("SETTINGS_MAX_HEADER_LIST_SIZE");
                    });
            assertThat(GrpcTestServer.which(fixture.channel, WAIT)).as("the next call").isEqualTo("blue-1");
            assertThat(fixture.blue.connectionsAccepted()).as("the backend's connection stayed").isEqualTo(1);
        }
    }
}
